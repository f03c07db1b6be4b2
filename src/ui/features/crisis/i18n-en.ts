/**
 * Strings of the crisis feature (English).
 * The region keys (us, mx, es, gb) are the labelKey / noteKey values of src/domain/crisis-lines.ts.
 */
export const crisisEn = {
  title: 'Crisis help',
  panel: {
    heading: 'Help is here, right now',
    pageIntro: 'If you are thinking about hurting yourself, or feel you cannot go on, please talk to someone now. You can call at any time, day or night.',
    item9Intro: 'Thank you for answering honestly. You said you have had thoughts of being better off dead or of hurting yourself. You do not have to face this alone: please talk to someone now.',
    item9Continue: 'When you are ready, you can still finish and save your answers.',
    linesHeading: 'Crisis lines',
    call: 'Call {{ number }}',
    text: 'Text {{ number }}',
    emergencyHeading: 'If you are in danger now, call {{ number }}',
    emergencyText: 'Or go to the nearest emergency room.',
    callEmergency: 'Call {{ number }} now',
  },
  us: {
    '988': {
      label: '988 Suicide & Crisis Lifeline',
      spanish: 'In Spanish: call 988 and press 2, or text AYUDA to 988.',
    },
  },
  mx: {
    lineaDeLaVida: { label: 'Línea de la Vida (Mexico)' },
  },
  es: {
    '024': { label: '024 suicide prevention line (Spain)' },
  },
  gb: {
    samaritans: { label: 'Samaritans' },
  },
  steps: {
    heading: 'What to do now',
    step1: 'If you might act on thoughts of hurting yourself, call {{ emergency }} now.',
    step2: 'Call or text a crisis line. Someone will listen.',
    step3: 'Be with someone. Ask a person you trust to come and stay with you.',
    step4: 'Move away from anything you could use to hurt yourself.',
    step5: 'Use your plan: call the people on your list and do the things that help you.',
  },
  plan: {
    careTeamHeading: 'Your care team’s plan',
    ownHeading: 'My crisis plan',
    peopleHeading: 'People I can call',
    helpsHeading: 'Things that help me',
    callPerson: 'Call {{ name }}',
    onDevice: 'Your plan is kept only on this device.',
    empty: 'You have not made a plan yet. Add the people you can call and the things that help you, so they are here when you need them.',
    edit: 'Change my plan',
    create: 'Make my plan',
    editHeading: 'Change my crisis plan',
    person: 'Person {{ n }}',
    name: 'Name',
    phone: 'Phone number',
    phoneHint: 'Numbers only, with spaces or dashes if you like.',
    addPerson: 'Add a person',
    removePerson: 'Remove {{ name }}',
    removeUnnamed: 'Remove person {{ n }}',
    helpsLabel: 'Things that help me',
    helpsHint: 'One idea per line, for example: a walk outside, music, a warm shower.',
    save: 'Save my plan',
    saved: 'Your crisis plan is saved on this device.',
    saveFailed: 'Your plan could not be saved on this device. What you typed is still here: please try again.',
    fixBelow: 'Please check the fields marked below. Nothing was saved yet.',
    badPhone: 'Enter a phone number with at least 3 digits, using only numbers, spaces, dashes, brackets or +.',
    tooManyPeople: 'You can keep up to {{ max }} people.',
    tooManyHelps: 'You can keep up to {{ max }} ideas.',
    unreadable: 'The plan saved on this device could not be read. You can make it again below.',
  },
};
