import type { Location } from '@/lib/api/types';

import type { LocationUpdateBody } from '../api/update-location';

export interface LocationEditValues {
  code: string;
  name: string;
  capacity: number | string;
  securityClass: number | string;
  reason: string;
}

export function editValuesOf(location: Location): LocationEditValues {
  return {
    code: location.code,
    name: location.name ?? '',
    capacity: location.capacity ?? '',
    securityClass: location.security_class ?? 0,
    reason: '',
  };
}

/** Lowering a room's security class needs a reason (the server says the same). */
export function lowersSecurityClass(location: Location, values: LocationEditValues): boolean {
  const next = Number(values.securityClass);
  return location.kind === 'ROOM' && Number.isFinite(next) && next < (location.security_class ?? 0);
}

/** The PATCH body: the version read, the reason, and only the fields that changed. */
export function updateBodyOf(location: Location, values: LocationEditValues): LocationUpdateBody {
  const body: LocationUpdateBody = { version: location.version, reason: values.reason.trim() };
  const code = values.code.trim().toUpperCase();
  if (code !== location.code) {
    body.code = code;
  }
  if (values.name.trim() !== (location.name ?? '')) {
    body.name = values.name.trim();
  }
  if (location.kind === 'SHELF' && Number(values.capacity) !== location.capacity) {
    body.capacity = Number(values.capacity);
  }
  if (location.kind === 'ROOM' && Number(values.securityClass) !== (location.security_class ?? 0)) {
    body.security_class = Number(values.securityClass);
  }
  return body;
}

export function hasChanges(body: LocationUpdateBody): boolean {
  return Object.keys(body).some((key) => key !== 'version' && key !== 'reason');
}
