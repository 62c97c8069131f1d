import type { SkillIdentity } from './types.js';

/**
 * The attribution headers every call carries. The backend answers export (render) with HTTP 402 without
 * them, so they go on every request rather than only on the ones known to check.
 */
export function skillHeaders(skill: SkillIdentity): Record<string, string> {
  return {
    'x-skill-source': skill.source,
    'x-skill-version': skill.version,
    'x-skill-platform': skill.platform,
  };
}
