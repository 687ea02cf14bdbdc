/**
 * @module calls/CallIcons
 * The call screen's icons, inline SVG like the rest of the app's.
 */
const PATHS = {
  phone: 'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2',
  hangup: 'M3 14.5c5-4.7 13-4.7 18 0l-2.4 2.4-3.4-1.6v-2.6a10 10 0 0 0-6.4 0v2.6l-3.4 1.6z',
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3',
  micOff: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16',
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z',
  missed: 'M4 5l7 7 5-5M16 7h4v4M5 4h2',
} as const;

export type CallIconName = keyof typeof PATHS;

export function CallIcon({ name, size = 22 }: { name: CallIconName; size?: number }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width={size} height={size} aria-hidden="true">
      <path d={PATHS[name]} fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
