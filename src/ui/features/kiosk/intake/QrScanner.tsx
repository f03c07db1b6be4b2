import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { useI18n } from '../../../i18n/i18n';

/** How often a frame is looked at, and the width it is scaled to (enough for a link's QR code on a screen). */
const SCAN_EVERY_MS = 250;
const SCAN_WIDTH = 720;

/**
 * The tablet's camera, looking for a QR code (the clinician's questionnaire link on their
 * screen). Frames are decoded on the device with jsQR, loaded only when scanning starts;
 * nothing is recorded or sent anywhere. Calls `onText` once with what the code holds, and
 * stops the camera.
 */
export function QrScanner(props: { onText: (text: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [state, setState] = createSignal<'starting' | 'scanning' | 'failed'>('starting');
  let video!: HTMLVideoElement;
  let stream: MediaStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = undefined;
  };
  onCleanup(stop);

  onMount(() => {
    void (async () => {
      try {
        const [{ default: jsQR }, media] = await Promise.all([
          import('jsqr'),
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        ]);
        if (stopped) {
          for (const track of media.getTracks()) track.stop();
          return;
        }
        stream = media;
        video.srcObject = media;
        await video.play();
        setState('scanning');
        const canvas = document.createElement('canvas');
        const context = canvas.getContext('2d', { willReadFrequently: true });
        if (!context) throw new Error('no 2d context');
        const look = () => {
          if (stopped) return;
          const w = video.videoWidth;
          const h = video.videoHeight;
          if (w > 0 && h > 0) {
            const scale = Math.min(1, SCAN_WIDTH / w);
            canvas.width = Math.round(w * scale);
            canvas.height = Math.round(h * scale);
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            const found = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
            if (found?.data) {
              stop();
              props.onText(found.data);
              return;
            }
          }
          timer = setTimeout(look, SCAN_EVERY_MS);
        };
        look();
      } catch (e) {
        console.warn('camera could not start', e);
        stop();
        setState('failed');
      }
    })();
  });

  return (
    <div class="qr-scanner">
      <video ref={video} muted playsinline aria-label={t('kiosk.intake.cameraLabel')} style={{ display: state() === 'scanning' ? 'block' : 'none' }} />
      <p role="status">{state() === 'starting' ? t('kiosk.intake.cameraStarting') : state() === 'scanning' ? t('kiosk.intake.cameraHint') : ''}</p>
      <Show when={state() === 'failed'}>
        <p class="error" role="alert">{t('kiosk.intake.cameraFailed')}</p>
      </Show>
      <div class="actions kiosk-stack">
        <button type="button" class="button" onClick={() => { stop(); props.onCancel(); }}>{t('kiosk.intake.cameraStop')}</button>
      </div>
    </div>
  );
}
