/**
 * @module console/KeptExposureItem
 * The morning briefing's line for exposure results the team kept (keptExposure.ts): shown in
 * the console only, since they live in this browser and never at the relay.
 */
import { useState } from 'preact/hooks';
import { forgetExposures, keptExposures } from './keptExposure.ts';

export function KeptExposureItem() {
  const [kept, setKept] = useState(keptExposures);
  if (kept.length === 0) return <li>Exposure results kept: none</li>;
  return (
    <li data-kept-exposure>
      Exposure results kept (in this browser only):
      <ul>
        {kept.map((k, i) => (
          <li key={i}>{k.keptOn}: {k.records} calls with {k.partners} people over {k.weeks} weeks; brief first: {k.briefFirst.join(', ')}</li>
        ))}
      </ul>
      <button class="secondary" type="button" data-forget-exposure onClick={() => { forgetExposures(); setKept([]); }}>Forget them</button>
    </li>
  );
}
