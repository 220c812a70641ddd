import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MultipartUpload, ObjectMetadata, ObjectStore, StoredObject } from './object-store.js';

/**
 * The object store as a local directory, selected by a `file://` s3_endpoint: objects of bucket B
 * live under ROOT/B/<key>, their metadata under ROOT/.metadata/B/, and staged uploads under
 * ROOT/.uploads/. Used by the demo and for replaying captured messages without any S3; it keeps
 * S3's visibility rule: an object appears whole (rename) or not at all.
 */
export class LocalDirectoryStore implements ObjectStore {
  readonly location: string;
  private readonly dataRoot: string;
  private readonly metaRoot: string;
  private readonly uploadRoot: string;

  constructor(endpoint: string, bucket: string) {
    const root = fileURLToPath(new URL(endpoint.endsWith('/') ? endpoint : endpoint + '/'));
    this.dataRoot = join(root, bucket);
    this.metaRoot = join(root, '.metadata', bucket);
    this.uploadRoot = join(root, '.uploads');
    this.location = `file://${this.dataRoot}`;
  }

  private path(key: string): string {
    return join(this.dataRoot, ...key.split('/'));
  }

  async putObject(key: string, body: Buffer, metadata: ObjectMetadata): Promise<void> {
    const staged = join(this.uploadRoot, `${randomUUID()}.put`);
    await mkdir(this.uploadRoot, { recursive: true });
    await writeFile(staged, body);
    await this.publish(staged, key, metadata);
  }

  private async publish(staged: string, key: string, metadata: ObjectMetadata): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const metaPath = join(this.metaRoot, ...key.split('/')) + '.json';
    await mkdir(dirname(metaPath), { recursive: true });
    await writeFile(metaPath, JSON.stringify(metadata));
    await rename(staged, target);
  }

  async startMultipartUpload(key: string, metadata: ObjectMetadata): Promise<MultipartUpload> {
    const dir = join(this.uploadRoot, randomUUID());
    await mkdir(dir, { recursive: true });
    // The key is recorded so that staged uploads can be listed (and aborted) by a later run.
    await writeFile(join(dir, 'key'), `${this.dataRoot}\n${key}`);
    const parts = new Set<number>();
    let finished = false;
    return {
      key,
      uploadPart: async (partNumber, body) => {
        await writeFile(join(dir, String(partNumber)), body);
        parts.add(partNumber);
      },
      complete: async () => {
        const assembled = join(dir, 'assembled');
        const handle = await open(assembled, 'w');
        try {
          for (const n of [...parts].sort((a, b) => a - b)) await handle.write(await readFile(join(dir, String(n))));
        } finally {
          await handle.close();
        }
        await this.publish(assembled, key, metadata);
        await rm(dir, { recursive: true, force: true });
        finished = true;
      },
      abort: async () => {
        if (finished) return;
        finished = true;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const keys: StoredObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else {
          const key = relative(this.dataRoot, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push({ key, size: (await stat(full)).size });
        }
      }
    };
    // Only the folder that holds the prefix can hold matching keys.
    await walk(join(this.dataRoot, ...prefix.slice(0, prefix.lastIndexOf('/') + 1).split('/').filter(Boolean)));
    yield* keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async replaceMetadata(key: string, metadata: ObjectMetadata): Promise<void> {
    await writeFile(join(this.metaRoot, ...key.split('/')) + '.json', JSON.stringify(metadata));
  }

  async headMetadata(key: string): Promise<ObjectMetadata | undefined> {
    if (!(await stat(this.path(key)).catch(() => undefined))) return undefined;
    try {
      return JSON.parse(await readFile(join(this.metaRoot, ...key.split('/')) + '.json', 'utf8')) as ObjectMetadata;
    } catch {
      return {};
    }
  }

  getObject(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async deleteObjects(keys: string[]): Promise<void> {
    for (const key of keys) {
      await rm(this.path(key), { force: true });
      await rm(join(this.metaRoot, ...key.split('/')) + '.json', { force: true });
    }
  }

  async *listStagedUploads(prefix: string): AsyncIterable<{ key: string; uploadId: string; initiated?: Date }> {
    let entries: string[];
    try {
      entries = await readdir(this.uploadRoot);
    } catch {
      return;
    }
    for (const id of entries) {
      const recorded = await readFile(join(this.uploadRoot, id, 'key'), 'utf8').catch(() => undefined);
      if (!recorded) continue;
      const [root, key] = recorded.split('\n') as [string, string];
      if (root !== this.dataRoot || !key.startsWith(prefix)) continue;
      const initiated = (await stat(join(this.uploadRoot, id, 'key'))).mtime;
      yield { key, uploadId: id, initiated };
    }
  }

  async abortStagedUpload(_key: string, uploadId: string): Promise<void> {
    await rm(join(this.uploadRoot, uploadId), { recursive: true, force: true });
  }

  close(): void {}
}
