/** PingOne's geographic regions; each has its own API and auth host. */
export type PingOneRegion = 'NA' | 'EU' | 'CA' | 'AU' | 'SG' | 'AP';

/** The hosts of each PingOne region (PingOne's developer documentation, "Regions"). */
export const REGIONS: Record<PingOneRegion, { apiPath: string; authPath: string }> = {
  NA: { apiPath: 'https://api.pingone.com/v1', authPath: 'https://auth.pingone.com' },
  CA: { apiPath: 'https://api.pingone.ca/v1', authPath: 'https://auth.pingone.ca' },
  EU: { apiPath: 'https://api.pingone.eu/v1', authPath: 'https://auth.pingone.eu' },
  AU: { apiPath: 'https://api.pingone.com.au/v1', authPath: 'https://auth.pingone.com.au' },
  SG: { apiPath: 'https://api.pingone.sg/v1', authPath: 'https://auth.pingone.sg' },
  AP: { apiPath: 'https://api.pingone.asia/v1', authPath: 'https://auth.pingone.asia' },
};

export function isRegion(value: unknown): value is PingOneRegion {
  return typeof value === 'string' && Object.hasOwn(REGIONS, value);
}
