// What IndexedDB really holds, read and changed without Dexie or any middleware (at-rest tests).

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(dbName: string, table: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await request(indexedDB.open(dbName));
  try {
    const tx = db.transaction(table, mode);
    const result = await request(fn(tx.objectStore(table)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

/** Every stored value of a table, as IndexedDB returns it. */
export function rawRows(dbName: string, table: string): Promise<unknown[]> {
  return withStore(dbName, table, 'readonly', (store) => store.getAll());
}

export function rawPut(dbName: string, table: string, value: unknown, key?: IDBValidKey): Promise<IDBValidKey> {
  return withStore(dbName, table, 'readwrite', (store) => (key === undefined ? store.put(value) : store.put(value, key)));
}

export function rawDelete(dbName: string, table: string, key: IDBValidKey): Promise<undefined> {
  return withStore(dbName, table, 'readwrite', (store) => store.delete(key));
}

/** Every string and byte array inside a stored value, as bytes (strings UTF-8 encoded, property names included). */
function pieces(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (typeof value === 'string') out.push(new TextEncoder().encode(value));
  else if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const v of value) pieces(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(new TextEncoder().encode(k));
      pieces(v, out);
    }
  }
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** True when `text` appears (UTF-8) in any string, property name or byte array of the stored rows. */
export function rawContains(rows: readonly unknown[], text: string): boolean {
  const needle = new TextEncoder().encode(text);
  return rows.some((row) => pieces(row).some((p) => indexOf(p, needle) >= 0));
}
