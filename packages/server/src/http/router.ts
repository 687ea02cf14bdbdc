/**
 * @module router
 * Exact segment matching with `:param` captures; a handful of routes needs nothing more.
 */
import { DecodeError } from '@hardline/protocol';
import type { Route } from './route.ts';

export type RouteMatch = { readonly route: Route; readonly params: Record<string, string> };

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch | undefined {
  const parts = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      const v = parts[i]!;
      if (p.startsWith(':')) {
        if (v.length === 0) {
          matched = false;
          break;
        }
        params[p.slice(1)] = decodeSegment(v);
      } else if (p !== v) {
        matched = false;
        break;
      }
    }
    if (matched) return { route, params };
  }
  return undefined;
}

function decodeSegment(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch (e) {
    throw new DecodeError('malformed path', { cause: e });
  }
}
