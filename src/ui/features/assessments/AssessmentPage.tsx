import { createSignal, Show } from 'solid-js';
import { A, useParams } from '@solidjs/router';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../primitives/PageTitle';
import { isInstrumentId } from '../../../domain/instruments/index';
import type { InstrumentId } from '../../../domain/records';
import { AssessmentForm } from './AssessmentForm';
import { AssessmentResult } from './AssessmentResult';
import type { SavedAssessment } from './createAssessments';
import { aboutKey, titleKey } from './instrument-text';
import './assessments.css';

/** /checkins/:instrument: the questionnaire, then its result; an unknown instrument gets a clear "not found". */
export default function AssessmentPage() {
  const params = useParams<{ instrument: string }>();
  const instrument = () => (isInstrumentId(params.instrument) ? params.instrument : null);
  return (
    // Keyed: going from a PHQ-2 result to the full PHQ-9 starts a fresh form.
    <Show when={instrument()} keyed fallback={<NotFound />}>
      {(id) => <Questionnaire instrument={id} />}
    </Show>
  );
}

function Questionnaire(props: { instrument: InstrumentId }) {
  const { t } = useI18n();
  const [saved, setSaved] = createSignal<SavedAssessment | null>(null);
  return (
    <>
      <PageTitle>{t(titleKey(props.instrument))}</PageTitle>
      <Show when={saved()} fallback={
        <>
          <p class="assessment-about">{t(aboutKey(props.instrument))}</p>
          <AssessmentForm instrument={props.instrument} onSaved={(s) => { setSaved(s); window.scrollTo(0, 0); }} />
        </>
      }>
        {(s) => <AssessmentResult saved={s()} />}
      </Show>
    </>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('assessments.notFound.title')}</PageTitle>
      <p>{t('assessments.notFound.body')}</p>
      <div class="actions">
        <A class="button primary" href="/checkins">{t('assessments.notFound.back')}</A>
      </div>
    </>
  );
}
