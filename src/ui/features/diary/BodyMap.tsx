import { For, Show } from 'solid-js';
import { BODY_AREAS, type BodyArea } from '../../../domain/records';
import { useI18n } from '../../i18n/i18n';
import { ChoiceGroup } from '../../primitives/ChoiceGroup';

/** A region drawn as a rounded rectangle in a 120 x 250 figure. */
interface Region { area: BodyArea; x: number; y: number; w: number; h: number; r?: number }

// Front view: the person faces us, so their right side is on our left.
const FRONT: Region[] = [
  { area: 'head', x: 46, y: 2, w: 28, h: 27, r: 13 },
  { area: 'jaw', x: 49, y: 29, w: 22, h: 9, r: 4 },
  { area: 'neck', x: 52, y: 39, w: 16, h: 10, r: 3 },
  { area: 'shoulder-right', x: 18, y: 50, w: 22, h: 17, r: 7 },
  { area: 'chest', x: 41, y: 50, w: 38, h: 31, r: 4 },
  { area: 'shoulder-left', x: 80, y: 50, w: 22, h: 17, r: 7 },
  { area: 'upper-arm-right', x: 18, y: 68, w: 16, h: 33, r: 6 },
  { area: 'abdomen', x: 41, y: 82, w: 38, h: 30, r: 4 },
  { area: 'upper-arm-left', x: 86, y: 68, w: 16, h: 33, r: 6 },
  { area: 'forearm-right', x: 14, y: 102, w: 16, h: 32, r: 6 },
  { area: 'forearm-left', x: 90, y: 102, w: 16, h: 32, r: 6 },
  { area: 'hip-right', x: 41, y: 113, w: 18.5, h: 18, r: 5 },
  { area: 'hip-left', x: 60.5, y: 113, w: 18.5, h: 18, r: 5 },
  { area: 'hand-right', x: 9, y: 135, w: 19, h: 19, r: 7 },
  { area: 'hand-left', x: 92, y: 135, w: 19, h: 19, r: 7 },
  { area: 'thigh-right', x: 41, y: 132, w: 18.5, h: 42, r: 6 },
  { area: 'thigh-left', x: 60.5, y: 132, w: 18.5, h: 42, r: 6 },
  { area: 'knee-right', x: 42, y: 175, w: 17, h: 15, r: 6 },
  { area: 'knee-left', x: 61, y: 175, w: 17, h: 15, r: 6 },
  { area: 'lower-leg-right', x: 42, y: 191, w: 17, h: 40, r: 6 },
  { area: 'lower-leg-left', x: 61, y: 191, w: 17, h: 40, r: 6 },
  { area: 'foot-right', x: 36, y: 232, w: 22, h: 13, r: 5 },
  { area: 'foot-left', x: 62, y: 232, w: 22, h: 13, r: 5 },
];

// Back view: seen from behind, their left side is on our left. Areas already on the front
// figure are drawn here for pointer users but hidden from the accessibility tree, so a
// screen reader meets each area once; upper back, lower back and buttocks exist only here.
const BACK_ONLY = new Set<BodyArea>(['upper-back', 'lower-back', 'buttocks']);
const mirror = (r: Region): Region => ({ ...r, x: 120 - r.x - r.w });
const BACK: Region[] = [
  ...FRONT.filter((r) => !['jaw', 'chest', 'abdomen', 'hip-left', 'hip-right'].includes(r.area)).map(mirror),
  { area: 'upper-back', x: 41, y: 50, w: 38, h: 31, r: 4 },
  { area: 'lower-back', x: 41, y: 82, w: 38, h: 30, r: 4 },
  { area: 'buttocks', x: 41, y: 113, w: 38, h: 18, r: 6 },
];

/**
 * Where it hurts: a front and back figure whose regions are checkboxes (click, tap, Space or
 * Enter), the chosen places as a visible list, and the same choices as a plain list of
 * checkboxes with large targets for anyone who finds the figure hard to use.
 */
export function BodyMap(props: { value: BodyArea[]; onChange: (areas: BodyArea[]) => void; error?: string }) {
  const { t } = useI18n();
  const name = (a: BodyArea) => t(`diary.areas.${a}`);
  const chosen = (a: BodyArea) => props.value.includes(a);
  // Keep the stored order stable (body order), whatever order they were tapped in.
  const toggle = (a: BodyArea) => props.onChange(BODY_AREAS.filter((x) => (x === a ? !chosen(x) : chosen(x))));

  const Figure = (p: { regions: Region[]; label: string; caption: string; back?: boolean }) => (
    <figure class="body-figure">
      <svg viewBox="0 0 120 248" role="group" aria-label={p.label}>
        <For each={p.regions}>
          {(r) => {
            const accessible = !p.back || BACK_ONLY.has(r.area);
            return (
              <g
                class="body-region"
                classList={{ chosen: chosen(r.area) }}
                role={accessible ? 'checkbox' : undefined}
                aria-checked={accessible ? chosen(r.area) : undefined}
                aria-label={accessible ? name(r.area) : undefined}
                aria-hidden={accessible ? undefined : 'true'}
                tabindex={accessible ? 0 : undefined}
                onClick={() => toggle(r.area)}
                onKeyDown={(e) => {
                  if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); toggle(r.area); }
                }}
              >
                <title>{name(r.area)}</title>
                <rect x={r.x} y={r.y} width={r.w} height={r.h} rx={r.r ?? 4} />
                <Show when={chosen(r.area)}>
                  {/* A check mark, so a chosen region differs by shape as well as colour. */}
                  <path class="tick" d={`M${r.x + r.w / 2 - 4} ${r.y + r.h / 2} l3 3 l5 -6`} />
                </Show>
              </g>
            );
          }}
        </For>
      </svg>
      <figcaption aria-hidden="true">{p.caption}</figcaption>
    </figure>
  );

  return (
    <fieldset class="body-map" classList={{ invalid: !!props.error }}>
      <legend>{t('diary.form.bodyTitle')}</legend>
      <p class="hint">{t('diary.form.bodyHint')}</p>
      <div class="body-figures">
        <Figure regions={FRONT} label={t('diary.body.front')} caption={t('diary.body.frontShort')} />
        <Figure regions={BACK} label={t('diary.body.back')} caption={t('diary.body.backShort')} back />
      </div>
      <p class="chosen-title" id="body-chosen-title">{t('diary.body.chosen')}</p>
      <Show when={props.value.length > 0} fallback={<p class="muted">{t('diary.body.noneChosen')}</p>}>
        <ul class="plain chosen-areas" aria-labelledby="body-chosen-title">
          <For each={props.value}>
            {(a) => (
              <li>
                <button type="button" class="button chip" aria-label={t('diary.body.remove', { area: name(a) })} onClick={() => toggle(a)}>
                  {name(a)} <span aria-hidden="true">×</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <details class="area-list">
        <summary>{t('diary.body.listToggle')}</summary>
        <ChoiceGroup
          name="body-areas"
          legend={t('diary.body.listLegend')}
          multiple
          layout="wrap"
          choices={BODY_AREAS.map((a) => ({ value: a, label: name(a) }))}
          value={props.value}
          onChange={(v) => props.onChange(BODY_AREAS.filter((a) => (v as BodyArea[]).includes(a)))}
        />
      </details>
      <Show when={props.error}><p class="error">{props.error}</p></Show>
    </fieldset>
  );
}
