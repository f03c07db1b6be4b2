// Every RelayStore implementation runs the shared suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../sync-server/storage/memory';
import { openSqliteStore } from '../../../sync-server/storage/sqlite';
import type { RelayStore } from '../../../sync-server/storage/store';
import { runStoreSuite } from './store-suite';

runStoreSuite('memory', { open: async () => createMemoryStore() });

const dirs: string[] = [];
const stores = new Map<RelayStore, string>();
function sqliteAt(dir: string): RelayStore {
  const opened = openSqliteStore(dir);
  if (!opened.ok) throw new Error(opened.error.message);
  stores.set(opened.value, dir);
  return opened.value;
}

runStoreSuite('sqlite', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'paceline-store-'));
    dirs.push(dir);
    return sqliteAt(dir);
  },
  async reopen(store) {
    await store.close();
    return sqliteAt(stores.get(store) as string);
  },
  cleanup() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});

describe('sqlite store', () => {
  it('refuses a data directory another relay process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paceline-store-'));
    try {
      const first = sqliteAt(dir);
      const second = openSqliteStore(dir);
      expect(second).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await first.close();
      const third = sqliteAt(dir);
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
