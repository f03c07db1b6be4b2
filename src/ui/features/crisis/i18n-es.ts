import type { DeepStrings } from '../../i18n/types';
import type { crisisEn } from './i18n-en';

/** Strings of the crisis feature (Spanish); same keys as the English file. */
export const crisisEs: DeepStrings<typeof crisisEn> = {
  title: 'Ayuda en crisis',
  panel: {
    heading: 'Hay ayuda, ahora mismo',
    pageIntro: 'Si estás pensando en hacerte daño, o sientes que no puedes más, habla con alguien ahora. Puedes llamar a cualquier hora, de día o de noche.',
    item9Intro: 'Gracias por responder con sinceridad. Dijiste que has pensado que estarías mejor muerto o muerta, o en hacerte daño. No tienes que pasar por esto a solas: habla con alguien ahora.',
    item9Continue: 'Cuando estés listo o lista, puedes terminar y guardar tus respuestas.',
    linesHeading: 'Líneas de crisis',
    call: 'Llamar al {{ number }}',
    text: 'Mensaje al {{ number }}',
    emergencyHeading: 'Si estás en peligro ahora, llama al {{ number }}',
    emergencyText: 'O ve a la sala de emergencias más cercana.',
    callEmergency: 'Llamar al {{ number }} ahora',
  },
  us: {
    '988': {
      label: 'Línea 988 de Prevención del Suicidio y Crisis',
      spanish: 'En español: llama al 988 y marca 2, o envía AYUDA por mensaje de texto al 988.',
    },
  },
  mx: {
    lineaDeLaVida: { label: 'Línea de la Vida (México)' },
  },
  es: {
    '024': { label: 'Línea 024 de atención a la conducta suicida (España)' },
  },
  gb: {
    samaritans: { label: 'Samaritans (Reino Unido)' },
  },
  steps: {
    heading: 'Qué hacer ahora',
    step1: 'Si crees que podrías hacerte daño, llama al {{ emergency }} ahora.',
    step2: 'Llama o manda un mensaje a una línea de crisis. Alguien te escuchará.',
    step3: 'Acompáñate de alguien. Pide a una persona de confianza que venga y se quede contigo.',
    step4: 'Aléjate de cualquier cosa con la que podrías hacerte daño.',
    step5: 'Usa tu plan: llama a las personas de tu lista y haz las cosas que te ayudan.',
  },
  plan: {
    careTeamHeading: 'El plan de tu equipo de salud',
    ownHeading: 'Mi plan de crisis',
    peopleHeading: 'Personas a las que puedo llamar',
    helpsHeading: 'Cosas que me ayudan',
    callPerson: 'Llamar a {{ name }}',
    onDevice: 'Tu plan se guarda solo en este dispositivo.',
    empty: 'Todavía no has hecho tu plan. Añade a las personas a las que puedes llamar y las cosas que te ayudan, para tenerlas aquí cuando las necesites.',
    edit: 'Cambiar mi plan',
    create: 'Hacer mi plan',
    editHeading: 'Cambiar mi plan de crisis',
    person: 'Persona {{ n }}',
    name: 'Nombre',
    phone: 'Número de teléfono',
    phoneHint: 'Solo números; puedes usar espacios o guiones.',
    addPerson: 'Añadir una persona',
    removePerson: 'Quitar a {{ name }}',
    removeUnnamed: 'Quitar a la persona {{ n }}',
    helpsLabel: 'Cosas que me ayudan',
    helpsHint: 'Una idea por línea, por ejemplo: salir a caminar, música, una ducha caliente.',
    save: 'Guardar mi plan',
    saved: 'Tu plan de crisis está guardado en este dispositivo.',
    saveFailed: 'No se pudo guardar tu plan en este dispositivo. Lo que escribiste sigue aquí: inténtalo de nuevo.',
    fixBelow: 'Revisa los campos marcados abajo. Todavía no se guardó nada.',
    badPhone: 'Escribe un número de teléfono con al menos 3 cifras, usando solo números, espacios, guiones, paréntesis o +.',
    tooManyPeople: 'Puedes guardar hasta {{ max }} personas.',
    tooManyHelps: 'Puedes guardar hasta {{ max }} ideas.',
    unreadable: 'No se pudo leer el plan guardado en este dispositivo. Puedes hacerlo de nuevo abajo.',
  },
};
