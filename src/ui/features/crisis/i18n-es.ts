import type { DeepStrings } from '../../i18n/types';
import type { crisisEn } from './i18n-en';

/** Strings of the crisis feature (Spanish); same keys as the English file. */
export const crisisEs: DeepStrings<typeof crisisEn> = {
  title: 'Ayuda en crisis',
  panel: {
    heading: 'Hay ayuda, ahora mismo',
    pageIntro: 'Si está pensando en hacerse daño, o siente que no puede más, hable con alguien ahora. Puede llamar a cualquier hora, de día o de noche.',
    item9Intro: 'Gracias por responder con sinceridad. Dijo que ha pensado que estaría mejor muerto o muerta, o en hacerse daño. No tiene que pasar por esto a solas: hable con alguien ahora.',
    item9Continue: 'Cuando esté listo o lista, puede terminar y guardar sus respuestas.',
    linesHeading: 'Líneas de crisis',
    call: 'Llamar al {{ number }}',
    text: 'Mensaje al {{ number }}',
    emergencyHeading: 'Si está en peligro ahora, llame al {{ number }}',
    emergencyText: 'O vaya a la sala de emergencias más cercana.',
    callEmergency: 'Llamar al {{ number }} ahora',
  },
  us: {
    '988': {
      label: 'Línea 988 de Prevención del Suicidio y Crisis',
      spanish: 'En español: llame al 988 y marque 2, o envíe AYUDA por mensaje de texto al 988.',
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
    step1: 'Si cree que podría hacerse daño, llame al {{ emergency }} ahora.',
    step2: 'Llame o mande un mensaje a una línea de crisis. Alguien le escuchará.',
    step3: 'Acompáñese de alguien. Pida a una persona de confianza que venga y se quede con usted.',
    step4: 'Aléjese de cualquier cosa con la que podría hacerse daño.',
    step5: 'Use su plan: llame a las personas de su lista y haga las cosas que le ayudan.',
  },
  plan: {
    careTeamHeading: 'El plan de su equipo de salud',
    ownHeading: 'Mi plan de crisis',
    peopleHeading: 'Personas a las que puedo llamar',
    helpsHeading: 'Cosas que me ayudan',
    callPerson: 'Llamar a {{ name }}',
    onDevice: 'Su plan se guarda solo en este dispositivo.',
    empty: 'Todavía no ha hecho su plan. Añada a las personas a las que puede llamar y las cosas que le ayudan, para tenerlas aquí cuando las necesite.',
    edit: 'Cambiar mi plan',
    create: 'Hacer mi plan',
    editHeading: 'Cambiar mi plan de crisis',
    person: 'Persona {{ n }}',
    name: 'Nombre',
    phone: 'Número de teléfono',
    phoneHint: 'Solo números; puede usar espacios o guiones.',
    addPerson: 'Añadir una persona',
    removePerson: 'Quitar a {{ name }}',
    removeUnnamed: 'Quitar a la persona {{ n }}',
    helpsLabel: 'Cosas que me ayudan',
    helpsHint: 'Una idea por línea, por ejemplo: salir a caminar, música, una ducha caliente.',
    save: 'Guardar mi plan',
    saved: 'Su plan de crisis está guardado en este dispositivo.',
    saveFailed: 'No se pudo guardar su plan en este dispositivo. Lo que escribió sigue aquí: inténtelo de nuevo.',
    fixBelow: 'Revise los campos marcados abajo. Todavía no se guardó nada.',
    badPhone: 'Escriba un número de teléfono con al menos 3 cifras, usando solo números, espacios, guiones, paréntesis o +.',
    tooManyPeople: 'Puede guardar hasta {{ max }} personas.',
    tooManyHelps: 'Puede guardar hasta {{ max }} ideas.',
    unreadable: 'No se pudo leer el plan guardado en este dispositivo. Puede hacerlo de nuevo abajo.',
  },
};
