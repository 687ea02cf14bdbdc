/**
 * @module ui/components/Icon
 * A handful of stroke icons drawn inline as SVG elements (no icon font, no remote assets).
 */
const PATHS: Record<string, string> = {
  chat: 'M4 5h16v11H9l-5 4z',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 20c0-4 4-6 8-6s8 2 8 6',
  group: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-3.5 3-5.5 7-5.5s7 2 7 5.5M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14.7c2.4.6 4 2.3 4 5.3',
  device: 'M7 3h10v18H7zM11 18h2',
  back: 'M15 5l-7 7 7 7',
  star: 'M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.2L12 17.4 6.5 20.3l1-6.2L3 9.7l6.2-.9z',
  shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  plus: 'M12 5v14M5 12h14',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5',
  timer: 'M12 21a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM12 9v4l3 2M9 2h6',
  warning: 'M12 3l10 18H2zM12 10v5M12 18v.5',
  send: 'M4 12l16-8-6 16-3-7z',
  upload: 'M12 16V4M7 9l5-5 5 5M4 20h16',
  download: 'M12 4v12M7 11l5 5 5-5M4 20h16',
};

export function Icon({ name, label }: { name: keyof typeof PATHS | string; label?: string }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden={label ? undefined : 'true'} aria-label={label} role={label ? 'img' : undefined}>
      <path d={PATHS[name] ?? ''} fill={name === 'star-filled' ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

export function Star({ filled }: { filled: boolean }) {
  return (
    <svg class="icon star" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path d={PATHS.star} fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" />
    </svg>
  );
}

export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' | 'lg' }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span class={`avatar avatar-${size} hue-${h % 8}`} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}
