/**
 * Sealing what a device already holds when it becomes a loaned kiosk: every row of every
 * encrypted table that is still in clear is rewritten through the at-rest middleware.
 */
import type Dexie from 'dexie';
import type { DBCore, DBCoreKeyRange, DBCoreTable, DBCoreTransaction } from 'dexie';
import { atRestCores } from './middleware';
import { isSealed } from './row-cipher';

/** Rows read and rewritten at a time, so a large table never sits in memory whole. */
const PAGE = 200;
// DBCoreRangeType is an ambient const enum, which isolatedModules cannot read.
const RANGE = 2;
const ANY = 3;

/**
 * Seal every unsealed row (one readwrite transaction per table, all or nothing per table);
 * returns how many were rewritten. Needs installAtRest on `db` and an unlocked keyring.
 */
export async function encryptExistingRows(db: Dexie): Promise<number> {
  const cores = atRestCores(db);
  if (!cores) throw new Error('encryptExistingRows: installAtRest was not called on this database');
  if (!db.isOpen()) await db.open();
  const { down, core } = cores;
  if (!down || !core) throw new Error('encryptExistingRows: the database opened without the at-rest middleware');
  let total = 0;
  for (const { name } of down.schema.tables) {
    const below = down.table(name);
    const sealing = core.table(name);
    if (sealing === below) continue; // a clear table
    total += await inTransaction(down, name, (trans) => sealTable(trans, below, sealing));
  }
  return total;
}

async function inTransaction<T>(down: DBCore, name: string, work: (trans: DBCoreTransaction) => Promise<T>): Promise<T> {
  // The core below every middleware hands out IDBTransactions.
  const trans = down.transaction([name], 'readwrite') as unknown as IDBTransaction;
  const done = new Promise<void>((resolve, reject) => {
    trans.oncomplete = () => resolve();
    trans.onabort = () => reject(trans.error ?? new Error(`encryptExistingRows: the ${name} transaction was aborted`));
  });
  let result: T;
  try {
    result = await work(trans);
  } catch (err) {
    try { trans.abort(); } catch { /* already finished */ }
    await done.catch(() => undefined);
    throw err;
  }
  await done;
  return result;
}

async function sealTable(trans: DBCoreTransaction, below: DBCoreTable, sealing: DBCoreTable): Promise<number> {
  const pk = below.schema.primaryKey;
  let count = 0;
  let after: unknown = undefined;
  for (;;) {
    const range = (after === undefined ? { type: ANY } : { type: RANGE, lower: after, lowerOpen: true }) as DBCoreKeyRange;
    const query = { index: pk, range };
    // Both requests in one transaction see the same rows, in the same (primary key) order.
    const [rows, keys] = await Promise.all([
      below.query({ trans, query, values: true, limit: PAGE }),
      below.query({ trans, query, values: false, limit: PAGE }),
    ]);
    const clear = rows.result.flatMap((row, i) => (isSealed(row) ? [] : [i]));
    if (clear.length > 0) {
      const res = await sealing.mutate({
        trans,
        type: 'put',
        values: clear.map((i) => rows.result[i]),
        ...(pk.outbound ? { keys: clear.map((i) => keys.result[i]) } : {}),
      });
      if (res.numFailures > 0) throw Object.values(res.failures)[0];
      count += clear.length;
    }
    if (keys.result.length < PAGE) return count;
    after = keys.result.at(-1);
  }
}
