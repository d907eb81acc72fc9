/**
 * Where a running local stack (`npm start`) tells local tools how to reach it: `.local/stack.json` in the
 * repository, written when the stack is up and removed when it stops. `npm run subscribers -- --local`
 * reads it.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from '../zod.js';
import { describeIssues } from '../errors.js';

export const STACK_FILE = fileURLToPath(new URL('../../.local/stack.json', import.meta.url));

const stackFileSchema = z.object({
  DIGEST_TABLE: z.string().check(z.minLength(3)),
  DYNAMODB_ENDPOINT: z.url(),
  AWS_REGION: z.string().check(z.minLength(1)),
});
export type StackFile = z.infer<typeof stackFileSchema>;

export class StackFileError extends Error {
  override readonly name = 'StackFileError';
}

export async function writeStackFile(stack: StackFile, path = STACK_FILE): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(stackFileSchema.parse(stack), null, 2)}\n`);
}

/**
 * Removes the file if it still describes `stack`: a second `npm start` overwrites it with its own, and the
 * first one stopping must not take away the file of the one still running.
 */
export async function removeStackFile(stack: StackFile, path = STACK_FILE): Promise<void> {
  // Missing or unreadable: nothing of another stack's to keep.
  const current = await readStackFile(path).catch(() => undefined);
  if (current !== undefined && current.DYNAMODB_ENDPOINT !== stack.DYNAMODB_ENDPOINT) return;
  await rm(path, { force: true });
}

export async function readStackFile(path = STACK_FILE): Promise<StackFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StackFileError(
        `no local stack is running (${path} does not exist): start one with npm start`,
      );
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StackFileError(`${path} is not JSON: stop the local stack, delete the file and start it again`);
  }
  const checked = stackFileSchema.safeParse(parsed);
  if (!checked.success) {
    throw new StackFileError(
      `${path} is not a local stack file (${describeIssues(checked.error.issues, 'file')}): ` +
        'stop the local stack, delete the file and start it again',
    );
  }
  return checked.data;
}
