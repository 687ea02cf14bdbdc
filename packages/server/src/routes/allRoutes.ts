/**
 * @module allRoutes
 * Every HTTP endpoint of spec §6, in one list for the router.
 */
import type { Route } from '../http/route.ts';
import { adminRoutes } from './adminRoutes.ts';
import { blobRoutes } from './blobRoutes.ts';
import { deviceRoutes } from './deviceRoutes.ts';
import { directoryRoutes } from './directoryRoutes.ts';
import { enrolRoutes } from './enrolRoutes.ts';
import { keyPackageRoutes } from './keyPackageRoutes.ts';
import { lockRoutes } from './lockRoutes.ts';
import { ohttpRoutes } from './ohttpRoutes.ts';
import { mailboxRoutes } from './mailboxRoutes.ts';
import { orgRoutes } from './orgRoutes.ts';
import { orgPolicyRoutes } from './orgPolicyRoutes.ts';
import { postRoutes } from './postRoutes.ts';
import { profileRoutes } from './profileRoutes.ts';
import { pushRoutes } from './pushRoutes.ts';
import { sessionRoutes } from './sessionRoutes.ts';
import { tokenRoutes } from './tokenRoutes.ts';
import { transparencyRoutes } from './transparencyRoutes.ts';
import { turnRoutes } from './turnRoutes.ts';
import { unlockFailureRoutes } from './unlockFailureRoutes.ts';

export const allRoutes: readonly Route[] = [
  ...orgRoutes,
  ...enrolRoutes,
  ...sessionRoutes,
  ...directoryRoutes,
  ...profileRoutes,
  ...blobRoutes,
  ...keyPackageRoutes,
  ...tokenRoutes,
  ...lockRoutes,
  ...postRoutes,
  ...mailboxRoutes,
  ...deviceRoutes,
  ...adminRoutes,
  ...orgPolicyRoutes,
  ...unlockFailureRoutes,
  ...turnRoutes,
  ...transparencyRoutes,
  ...pushRoutes,
  ...ohttpRoutes,
];
