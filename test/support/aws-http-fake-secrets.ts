/**
 * Secrets Manager for the request-handler fakes of aws-http-fake.ts. It speaks the AWS JSON 1.1 protocol,
 * as DynamoDB speaks JSON 1.0: every request is a POST to / naming its operation in `x-amz-target`
 * (`secretsmanager.GetSecretValue`, `DynamoDB_20120810.UpdateItem`) with a JSON body; an error is a 400
 * whose JSON body names its type in `__type`. `jsonCall` reads the requests of both.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FAKE_CREDENTIALS, httpFake, type FakeAnswer, type SeenRequest } from './aws-http-fake.js';

/** One operation as the SDK put it on the wire: its name (without the service prefix) and its input. */
export interface JsonCall {
  operation: string;
  input: Record<string, unknown>;
}

/** The operation and input of a JSON-protocol request. */
export function jsonCall(request: SeenRequest): JsonCall {
  const target = request.headers['x-amz-target'] ?? '';
  return {
    operation: target.slice(target.indexOf('.') + 1),
    input: request.body === '' ? {} : (JSON.parse(request.body) as Record<string, unknown>),
  };
}

/** Answers the `index`-th request (0-based) by its operation and input. */
export type JsonResponder = (call: JsonCall, index: number) => FakeAnswer | Promise<FakeAnswer>;

/** A JSON 1.1 success, as Secrets Manager answers. */
export const secretsAnswer = (value: unknown): FakeAnswer => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(value),
});

/** A JSON 1.1 error, as Secrets Manager answers: the type in `__type`, the message in `message`. */
export const secretsError = (type: string, message: string, status = 400): FakeAnswer => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify({ __type: type, message }),
});

/** What GetSecretValue answers for a secret holding `value` in its AWSCURRENT version. */
export const secretValue = (
  secretId: string,
  value: { SecretString: string } | { SecretBinary: Uint8Array },
) =>
  secretsAnswer({
    ARN: secretId,
    Name: secretId,
    VersionId: 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
    VersionStages: ['AWSCURRENT'],
    // JSON-protocol timestamps are epoch seconds; blobs are base64.
    CreatedDate: 1_780_000_000,
    ...('SecretString' in value
      ? { SecretString: value.SecretString }
      : { SecretBinary: Buffer.from(value.SecretBinary).toString('base64') }),
  });

/** What Secrets Manager answers for a secret id it does not hold. */
export const secretNotFound = () =>
  secretsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

/** An answer the fake has not been given: the test fails on it rather than the code under test. */
export const unexpectedCall = (call: JsonCall) =>
  new Error(`The fake has no answer for ${call.operation} ${JSON.stringify(call.input)}`);

/**
 * Secrets Manager answering with `respond`: the request handler, the requests it was sent, the calls among
 * them (of one operation, if named), and a client of the SDK using it.
 */
export function secretsManagerFake(respond: JsonResponder) {
  const { requestHandler, requests } = httpFake((request, index) => respond(jsonCall(request), index));
  return {
    requestHandler,
    requests,
    calls: (operation?: string) =>
      requests.map(jsonCall).filter((call) => operation === undefined || call.operation === operation),
    client: (region = 'eu-west-1') =>
      new SecretsManagerClient({ region, credentials: FAKE_CREDENTIALS, requestHandler }),
  };
}

/** A Secrets Manager that holds `values` by secret id and answers GetSecretValue only. */
export const holding =
  (values: Record<string, string>): JsonResponder =>
  (call) => {
    if (call.operation !== 'GetSecretValue') return unexpectedCall(call);
    const secretId = call.input['SecretId'] as string;
    const value = values[secretId];
    return value === undefined ? secretNotFound() : secretValue(secretId, { SecretString: value });
  };
