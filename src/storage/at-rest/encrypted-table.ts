/**
 * One DBCore table with its rows sealed: add/put seal each value, reads open them. Deletes,
 * counts and key-only reads never touch values and go straight down.
 */
import type { DBCoreCursor, DBCoreGetManyRequest, DBCoreGetRequest, DBCoreMutateRequest, DBCoreOpenCursorRequest, DBCoreQueryRequest, DBCoreTable } from 'dexie';
import { AtRestError } from './at-rest-error';
import { planTable, type TablePlan } from './clear-fields';
import type { AtRestKeyring } from './middleware';
import { DATA_KEY_BYTES, openRow, sealRow } from './row-cipher';

function dataKeyOf(keyring: AtRestKeyring): Uint8Array | null {
  const key = keyring.key();
  if (key !== null && key.length !== DATA_KEY_BYTES) throw new RangeError(`at-rest: the data key must be ${DATA_KEY_BYTES} bytes`);
  return key;
}

export function encryptedTable(table: DBCoreTable, keyring: AtRestKeyring): DBCoreTable {
  const plan = planTable(table.schema);
  const open = (stored: unknown, key: unknown) => openRow(plan, stored, key, dataKeyOf(keyring));
  return {
    ...table,
    mutate(req: DBCoreMutateRequest) {
      if ((req.type !== 'add' && req.type !== 'put') || req.values.length === 0) return table.mutate(req);
      let values: Record<string, unknown>[];
      try {
        const dataKey = dataKeyOf(keyring);
        if (!dataKey) throw new AtRestError('locked', `The ${plan.name} table is locked: unlock the device to save`);
        values = req.values.map((value, i) => sealRow(plan, value, req.keys?.[i], dataKey));
      } catch (err) {
        return Promise.reject(err);
      }
      return table.mutate({ ...req, values });
    },
    get(req: DBCoreGetRequest) {
      return table.get(req).then((row) => open(row, req.key));
    },
    getMany(req: DBCoreGetManyRequest) {
      return table.getMany(req).then((rows) => rows.map((row, i) => open(row, req.keys[i])));
    },
    query(req: DBCoreQueryRequest) {
      if (!req.values) return table.query(req);
      // Values of an outbound table do not carry their keys; a keys query over the same range pairs them.
      const keys = plan.outbound ? table.query({ ...req, values: false }) : null;
      return Promise.all([table.query(req), keys]).then(([res, keyRes]) => ({
        ...res,
        result: res.result.map((row, i) => open(row, keyRes?.result[i])),
      }));
    },
    openCursor(req: DBCoreOpenCursorRequest) {
      return table.openCursor(req).then((cursor) => cursor && openingCursor(cursor, plan, open));
    },
  };
}

/**
 * A cursor whose value is opened when read, once per position. Object.create as Dexie's own
 * middlewares do, redefining key and primaryKey too: IDBCursor's getters reject any `this`
 * but the real cursor.
 */
function openingCursor(cursor: DBCoreCursor, plan: TablePlan, open: (stored: unknown, key: unknown) => unknown): DBCoreCursor {
  let stored: unknown = undefined;
  let opened: unknown = undefined;
  return Object.create(cursor, {
    key: { get: () => cursor.key },
    primaryKey: { get: () => cursor.primaryKey },
    value: {
      get: () => {
        const v = cursor.value;
        if (v !== stored) {
          opened = open(v, plan.outbound ? cursor.primaryKey : undefined);
          stored = v;
        }
        return opened;
      },
    },
  }) as DBCoreCursor;
}
