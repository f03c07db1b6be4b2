// Relay-to-client frames built straight from stored bytes. A stored envelope is its
// canonical encoding (writeEnvelope), which is exactly how a frame embeds it, and a stored
// membership link is exactly how a 'membership' frame embeds it. Building frames from
// those bytes skips a decode and re-encode per item on every catch-up page and fan-out
// (and writeMessage's check that decodes its own output, which the ack, one per push,
// skips as well).
// tests/unit/server/frames.test.ts checks that these equal writeMessage's output.

import { type Bytes, ByteWriter } from '../src/sync/codec-bytes';
import { MESSAGE_TAGS } from '../src/sync/codec';
import { type DocId, LIMITS } from '../src/sync/protocol';

// The codec's limit for a document id string (26-character circle id, dot, class name).
const MAX_DOC_ID_BYTES = 40;

export interface FrameItem {
  seq: number;
  envelope: Uint8Array;
}

/**
 * An 'updates' frame: consecutive items (the caller guarantees seq order without gaps).
 * `durableThrough`, the document's durable head, goes on the wire from protocol 3.
 */
export function updatesFrame(version: number, docId: DocId, items: readonly FrameItem[], more: boolean, durableThrough: number): Bytes {
  const w = new ByteWriter().u8(version).u8(MESSAGE_TAGS.updates).string(docId, MAX_DOC_ID_BYTES).varuint(items.length);
  for (const item of items) w.varuint(item.seq).fixed(item.envelope, item.envelope.length);
  w.bool(more);
  if (version >= 3) w.varuint(durableThrough);
  return w.finish();
}

/** A 'durable' frame (protocol 3): the document is durable through `seq`. */
export function durableFrame(version: number, docId: DocId, seq: number): Bytes {
  return new ByteWriter().u8(version).u8(MESSAGE_TAGS.durable).string(docId, MAX_DOC_ID_BYTES).varuint(seq).finish();
}

/** An 'ack' frame; built directly because the relay sends one per push. */
export function ackFrame(version: number, docId: DocId, devSeq: number, seq: number): Bytes {
  return new ByteWriter().u8(version).u8(MESSAGE_TAGS.ack).string(docId, MAX_DOC_ID_BYTES).varuint(devSeq).varuint(seq).finish();
}

/** A 'snapshot-offer' frame around a stored snapshot envelope. */
export function snapshotOfferFrame(version: number, docId: DocId, envelope: Uint8Array): Bytes {
  return new ByteWriter().u8(version).u8(MESSAGE_TAGS['snapshot-offer']).string(docId, MAX_DOC_ID_BYTES).fixed(envelope, envelope.length).finish();
}

/** 'membership' frames carrying stored links in order, at most LIMITS.maxChainLinks per frame. */
export function membershipFrames(version: number, links: readonly Uint8Array[]): Bytes[] {
  const frames: Bytes[] = [];
  for (let i = 0; i < links.length; i += LIMITS.maxChainLinks) {
    const part = links.slice(i, i + LIMITS.maxChainLinks);
    const w = new ByteWriter().u8(version).u8(MESSAGE_TAGS.membership).varuint(part.length);
    for (const link of part) w.fixed(link, link.length);
    frames.push(w.finish());
  }
  return frames;
}

/** Splits consecutive items into pages that stop before pageBytes of envelope bytes (at least one item each). */
export function pageItems<T extends FrameItem>(items: readonly T[], pageBytes: number): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (page.length > 0 && bytes + item.envelope.length > pageBytes) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(item);
    bytes += item.envelope.length;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
