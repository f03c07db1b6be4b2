/**
 * Crisis resources per region, as data (the clinic may edit them). Text shown to people is
 * an i18n key (the UI owns the catalogs); phone numbers are literal. The care plan's own
 * crisis plan (people to call, steps) is shown before these.
 */

export interface CrisisLine {
  id: string;
  labelKey: string;
  /** Number to call, as dialled in the region. */
  phone: string;
  /** Number or short code to text, where texting is offered. */
  sms?: string;
  noteKey?: string;
}

export interface CrisisResources {
  /** ISO 3166-1 alpha-2 region code. */
  region: string;
  lines: CrisisLine[];
  /** Emergency services number. */
  emergency: string;
}

const US: CrisisResources = {
  region: 'US',
  lines: [{
    id: 'us-988',
    labelKey: 'crisis.us.988.label',
    phone: '988',
    sms: '988',
    // "Spanish available: press 2 when calling, or text AYUDA to 988."
    noteKey: 'crisis.us.988.spanish',
  }],
  emergency: '911',
};

export const CRISIS_RESOURCES: Readonly<Record<string, CrisisResources>> = {
  US,
  MX: {
    region: 'MX',
    lines: [{ id: 'mx-linea-de-la-vida', labelKey: 'crisis.mx.lineaDeLaVida.label', phone: '800 911 2000' }],
    emergency: '911',
  },
  ES: {
    region: 'ES',
    lines: [{ id: 'es-024', labelKey: 'crisis.es.024.label', phone: '024' }],
    emergency: '112',
  },
  GB: {
    region: 'GB',
    lines: [{ id: 'gb-samaritans', labelKey: 'crisis.gb.samaritans.label', phone: '116 123' }],
    emergency: '999',
  },
};

export const DEFAULT_CRISIS_REGION = 'US';

/**
 * Crisis resources for a region ('MX', or the region of a locale such as 'es-MX'); US when
 * unknown. Pass a region, not a bare language: 'es' alone reads as Spain.
 */
export function crisisLinesFor(region: string | undefined): CrisisResources {
  const code = (region ?? '').split(/[-_]/).pop()?.toUpperCase() ?? '';
  const found = (Object.hasOwn(CRISIS_RESOURCES, code) ? CRISIS_RESOURCES[code] : undefined) ?? US;
  // A copy, so that a screen editing what it shows cannot change the shared data.
  return { ...found, lines: found.lines.map((line) => ({ ...line })) };
}
