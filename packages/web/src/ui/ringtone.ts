/**
 * @module ui/ringtone
 * The incoming-call ring, synthesised with WebAudio: no audio file for the CSP to allow and
 * nothing fetched. It plays as ordinary page audio, so the system's volume and mute apply to it;
 * where the browser has an Audio Session (Safari), the session is declared "ambient" while it
 * rings, which also obeys the phone's silent switch.
 */

type AudioSessionLike = { type: string };

export type Ring = {
  /** Resolves true once sound is actually playing (false when the browser keeps audio blocked). */
  readonly playing: Promise<boolean>;
  stop(): void;
};

/** Two tones together (440 + 480 Hz, the familiar ring), 1 s on, 2 s off. */
const ON_S = 1;
const PERIOD_S = 3;
const LEVEL = 0.12;

export function startRingtone(): Ring {
  const audioSession = (navigator as Navigator & { audioSession?: AudioSessionLike }).audioSession;
  const previousType = audioSession?.type;
  if (audioSession) audioSession.type = 'ambient';
  let ctx: AudioContext;
  try {
    ctx = new AudioContext();
  } catch {
    if (audioSession && previousType !== undefined) audioSession.type = previousType;
    return { playing: Promise.resolve(false), stop: () => undefined };
  }
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const tones = [440, 480].map((hz) => {
    const o = ctx.createOscillator();
    o.frequency.value = hz;
    o.connect(gain);
    o.start();
    return o;
  });
  const schedule = () => {
    const t = ctx.currentTime;
    gain.gain.setValueAtTime(LEVEL, t);
    gain.gain.setValueAtTime(0, t + ON_S);
  };
  schedule();
  const timer = setInterval(schedule, PERIOD_S * 1000);
  let stopped = false;
  return {
    playing: ctx.resume().then(
      () => !stopped && ctx.state === 'running',
      () => false,
    ),
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      for (const o of tones) o.stop();
      void ctx.close().catch(() => undefined);
      if (audioSession && previousType !== undefined) audioSession.type = previousType;
    },
  };
}
