/** Dark theme, teal to gold (SPEC §8): #0A4A5C → #1B9AAA, accent #F9C74F. */
export const colors = {
  bg: '#06242D',
  surface: '#0A4A5C',
  surfaceAlt: '#0D3B47',
  border: '#1B6B7A',
  primary: '#1B9AAA',
  gold: '#F9C74F',
  text: '#EAF6F8',
  muted: '#9CC3CB',
  danger: '#F25F5C',
  success: '#5FD38D',
  warning: '#F9C74F',
  onGold: '#1F1A08',
} as const;

export const space = { xs: 4, sm: 8, md: 12, lg: 16, xl: 24 } as const;
export const radius = 8;
/** The content column never grows past this on wide screens. */
export const maxContentWidth = 1100;
/** From this width the navigation is a sidebar instead of a bar. */
export const wideBreakpoint = 900;
