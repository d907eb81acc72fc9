import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readStackFile,
  removeStackFile,
  StackFileError,
  writeStackFile,
} from '../../../src/local/stack-file.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stack-file-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const stack = {
  DIGEST_TABLE: 'article-digest-local-digest',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:45678',
  AWS_REGION: 'us-east-1',
};

describe('the local stack file', () => {
  it('reads back what the local stack wrote, and is gone once it stops', async () => {
    const path = join(directory, '.local', 'stack.json');

    await writeStackFile(stack, path);
    const read = await readStackFile(path);
    await removeStackFile(stack, path);

    expect(read).toEqual(stack);
    await expect(readStackFile(path)).rejects.toThrow(
      /no local stack is running .* start one with npm start/,
    );
  });

  it('leaves the file of another local stack that started since, and removes its own', async () => {
    const path = join(directory, 'two', 'stack.json');
    const second = { ...stack, DYNAMODB_ENDPOINT: 'http://127.0.0.1:45679' };
    await writeStackFile(stack, path);
    await writeStackFile(second, path);

    await removeStackFile(stack, path);
    const afterFirstStops = await readStackFile(path);
    await removeStackFile(second, path);

    expect(afterFirstStops).toEqual(second);
    await expect(readStackFile(path)).rejects.toThrow(/no local stack is running/);
  });

  it('says what to do with a file that is not a stack file', async () => {
    const path = join(directory, 'broken.json');
    await writeFile(path, JSON.stringify({ DIGEST_TABLE: 'x' }));

    await expect(readStackFile(path)).rejects.toThrow(StackFileError);
    await expect(readStackFile(path)).rejects.toThrow(/delete the file and start it again/);
  });
});
