/** Rule ids of the Yang et al. 2019 corpus, in the reference rule order (rule unit = index in this list). */
export const YANG19_RULES = [
  'fdgo',
  'reactgo',
  'delaygo',
  'fdanti',
  'reactanti',
  'delayanti',
  'dm1',
  'dm2',
  'contextdm1',
  'contextdm2',
  'multidm',
  'delaydm1',
  'delaydm2',
  'contextdelaydm1',
  'contextdelaydm2',
  'multidelaydm',
  'dmsgo',
  'dmsnogo',
  'dmcgo',
  'dmcnogo',
] as const;

/** One of the 20 Yang rule ids. */
export type Yang19Rule = (typeof YANG19_RULES)[number];
