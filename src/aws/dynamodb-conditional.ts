/** The one way the adapters write to the digest table when a race is possible. */
import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export type UpdateInput = Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>;

/** An UpdateItem whose condition may fail: false then, the outcome every race here needs. */
export function conditionalUpdate(client: DynamoDBClient, tableName: string) {
  return async (input: UpdateInput): Promise<boolean> => {
    try {
      await client.send(new UpdateItemCommand({ TableName: tableName, ...input }));
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
}
