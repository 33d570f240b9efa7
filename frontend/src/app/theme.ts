import {
  Badge,
  DEFAULT_THEME,
  createTheme,
  darken,
  defaultVariantColorsResolver,
  mergeMantineTheme,
  parseThemeColor,
  type MantineTheme,
  type VariantColorsResolver,
} from '@mantine/core';

import { AA_NORMAL_TEXT, contrastRatio } from '@/lib/contrast';

/** A little above WCAG AA (4.5:1) so no rounding in a browser drops a pair below it. */
const TARGET = AA_NORMAL_TEXT + 0.1;
const WHITE = '#ffffff';
const BLACK = '#000000';

/**
 * `ink` darkened in 5% steps until it reads at TARGET on every one of `backgrounds`
 * (Mantine's yellow 9 on yellow 1 is 2.7:1, green 9 on green 1 3.8:1, orange 3.6:1).
 */
function darkenUntilReadable(ink: string, backgrounds: string[], limit = 0.9): string | null {
  for (let amount = 0; amount <= limit + 1e-9; amount += 0.05) {
    const candidate = amount === 0 ? ink : darken(ink, amount);
    if (backgrounds.every((background) => contrastRatio(candidate, background) >= TARGET)) {
      return candidate;
    }
  }
  return null;
}

/**
 * Every light, filled, outline and subtle colour of every theme colour (badges, buttons,
 * alerts) is resolved here to concrete colours with at least 4.5:1 between text and
 * background — the one place that decides status colours' contrast. Filled colours keep white
 * text on a darkened fill (white on green 8 is 3.4:1, on orange 8 3.6:1) unless the colour is
 * so light that dark text reads better (yellow).
 */
export const variantColorResolver: VariantColorsResolver = (input) => {
  const defaults = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({
    color: input.color ?? input.theme.primaryColor,
    theme: input.theme,
  });
  if (!parsed.isThemeColor || parsed.shade !== undefined) {
    return defaults;
  }
  const shades = input.theme.colors[parsed.color];
  if (shades === undefined) {
    return defaults;
  }
  const primaryShade =
    typeof input.theme.primaryShade === 'number'
      ? input.theme.primaryShade
      : input.theme.primaryShade.light;
  switch (input.variant) {
    case 'light': {
      const background = shades[1];
      const hover = shades[2];
      const color = darkenUntilReadable(shades[9], [background, hover]) ?? BLACK;
      return { ...defaults, background, hover, color };
    }
    case 'filled': {
      const base = shades[primaryShade];
      const fill = darkenUntilReadable(base, [WHITE], 0.25);
      if (fill !== null) {
        return { ...defaults, background: fill, hover: darken(fill, 0.1), color: WHITE };
      }
      return { ...defaults, background: base, hover: shades[9], color: BLACK };
    }
    case 'outline': {
      const color = darkenUntilReadable(shades[primaryShade], [WHITE]) ?? BLACK;
      return { ...defaults, color, border: `1px solid ${color}` };
    }
    case 'subtle':
    case 'transparent': {
      const color = darkenUntilReadable(shades[9], [WHITE, shades[2]]) ?? BLACK;
      return { ...defaults, color };
    }
    default:
      return defaults;
  }
};

/** Badge text at least 12 px, in the word's own case, never cut short by a narrow cell. */
const BADGE_SIZES: Record<string, { fz: string; height: string }> = {
  xs: { fz: '0.75rem', height: '1.25rem' },
  sm: { fz: '0.75rem', height: '1.375rem' },
  md: { fz: '0.8125rem', height: '1.5rem' },
  lg: { fz: '0.875rem', height: '1.75rem' },
  xl: { fz: '1rem', height: '2rem' },
};

export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 keeps white button text, links and light badges at WCAG AA contrast (blue 6, the
  // default, is about 3.5:1 on white; blue 8 about 4.9:1).
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  // Focus rings for keyboard users (global.css adds a high-contrast outline on :focus-visible).
  focusRing: 'auto',
  variantColorResolver,
  components: {
    Badge: Badge.extend({
      vars: (_theme, props) => {
        const size =
          BADGE_SIZES[typeof props.size === 'string' ? props.size : 'md'] ?? BADGE_SIZES.md;
        return {
          root: {
            '--badge-fz': size?.fz,
            '--badge-height': size?.height,
          },
        };
      },
      styles: {
        root: {
          textTransform: 'none',
          letterSpacing: 'normal',
          overflow: 'visible',
          flexShrink: 0,
        },
        label: { overflow: 'visible', textOverflow: 'clip' },
      },
    }),
  },
});

/** The theme as components see it (Mantine's defaults merged with ours), for tests. */
export const resolvedTheme: MantineTheme = mergeMantineTheme(DEFAULT_THEME, theme);
