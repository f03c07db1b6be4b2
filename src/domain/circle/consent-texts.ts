/**
 * Consent texts as data. A text, once shown to anyone, is never edited: a change is a new
 * version, and people who agreed to an older one are asked again (see consentState).
 */

export const CONSENT_TOPICS = ['telehealth', 'journal-sharing-caregivers'] as const;
export type ConsentTopic = (typeof CONSENT_TOPICS)[number];

/** One version of a consent text, in every language the app speaks: the first line is the title, then one paragraph per line. */
export interface ConsentText {
  version: number;
  en: string;
  es: string;
}

const TELEHEALTH_V1: ConsentText = {
  version: 1,
  en: [
    'Video and phone visits (telehealth)',
    'You can meet your care team by video or phone instead of in person.',
    'At the start of each visit, your clinician will confirm who you are and where you are.',
    'Visits are private. They are not recorded unless you agree.',
    'Telehealth has limits: your clinician cannot examine you in person and may ask you to come in.',
    'If the connection fails, your clinician will try to reach you again.',
    'The same privacy rules apply as for a visit in person. Ask the clinic if you have questions about costs.',
    'You can stop using telehealth at any time and still get care in person.',
    'In an emergency, do not wait for a visit: call your local emergency number (911 in the United States).',
  ].join('\n'),
  es: [
    'Consultas por video y por teléfono (telesalud)',
    'Puede hablar con su equipo de atención por video o por teléfono en lugar de ir en persona.',
    'Al comenzar cada consulta, su profesional confirmará quién es usted y dónde se encuentra.',
    'Las consultas son privadas. No se graban a menos que usted lo acepte.',
    'La telesalud tiene límites: su profesional no puede examinarle en persona y puede pedirle que vaya a la clínica.',
    'Si la conexión falla, su profesional intentará comunicarse con usted de nuevo.',
    'Se aplican las mismas reglas de privacidad que en una consulta en persona. Si tiene preguntas sobre los costos, consulte a la clínica.',
    'Puede dejar la telesalud cuando quiera y seguir recibiendo atención en persona.',
    'En una emergencia, no espere a una consulta: llame al número de emergencias de su zona (911 en Estados Unidos).',
  ].join('\n'),
};

const JOURNAL_SHARING_V1: ConsentText = {
  version: 1,
  en: [
    'Sharing your journal with your caregivers',
    'If you agree, the caregivers in your care circle can see what you record in Paceline: your pain diary, your home practice, your questionnaire answers (including questions about mood and worry) and side effects.',
    'They will also see what you recorded before today.',
    'Your clinicians see your journal whether or not you agree to this.',
    'You can stop sharing at any time in Settings. After that, caregivers will not see anything new, but what they have already seen may stay on their devices.',
    'Saying no does not change your care.',
  ].join('\n'),
  es: [
    'Compartir su diario con sus cuidadores',
    'Si usted acepta, los cuidadores de su círculo de atención podrán ver lo que anota en Paceline: su diario de dolor, sus prácticas en casa, sus respuestas a los cuestionarios (incluidas las preguntas sobre el ánimo y la preocupación) y los efectos secundarios.',
    'También verán lo que anotó antes de hoy.',
    'Sus profesionales de salud ven su diario, lo acepte o no.',
    'Puede dejar de compartir cuando quiera en Ajustes. Desde ese momento, sus cuidadores no verán nada nuevo, pero lo que ya vieron puede quedar en sus dispositivos.',
    'Decir que no, no cambia su atención.',
  ].join('\n'),
};

export type ConsentTexts = Readonly<Record<ConsentTopic, readonly ConsentText[]>>;

/** Every version of every consent text, oldest first; the last one is current. */
export const CONSENT_TEXTS: ConsentTexts = {
  telehealth: [TELEHEALTH_V1],
  'journal-sharing-caregivers': [JOURNAL_SHARING_V1],
};

/** The version number of a topic's current text. */
export function currentConsentVersion(topic: ConsentTopic, texts: ConsentTexts = CONSENT_TEXTS): number {
  const versions = texts[topic];
  return versions[versions.length - 1]?.version ?? 1;
}

/** One version of a topic's text, or null when this app does not know it (a newer app wrote it). */
export function consentText(topic: ConsentTopic, version: number, texts: ConsentTexts = CONSENT_TEXTS): ConsentText | null {
  return texts[topic].find((t) => t.version === version) ?? null;
}
