import { Badge, DEFAULT_THEME, defaultVariantColorsResolver } from '@mantine/core';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { resolvedTheme } from '@/app/theme';
import {
  ACTION_COLORS,
  DEFAULT_ACTION_COLOR,
} from '@/features/requests/components/request-actions';
import { AA_NORMAL_TEXT, contrastRatio } from '@/lib/contrast';
import { renderWithProviders } from '@/test/render';

import {
  BATCH_ITEM_STATE_TONES,
  BATCH_STATUS_TONES,
  COVERAGE_STATUS_TONES,
  CRATE_STATUS_TONES,
  FLAG_STATE_TONES,
  INVENTORY_RESULT_TONES,
  INVENTORY_STATUS_TONES,
  REQUEST_STATUS_TONES,
  REVIEW_STATUS_TONES,
  RULE_STATUS_TONES,
  TONES,
  type BadgeTone,
} from '@/components/ui/status-colors';

function resolve(tone: BadgeTone) {
  return resolvedTheme.variantColorResolver({
    color: tone.color,
    variant: tone.variant,
    theme: resolvedTheme,
  });
}

const ENTRIES: [string, BadgeTone][] = [
  ...Object.entries(REQUEST_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `request ${name}`,
    tone,
  ]),
  ...Object.entries(CRATE_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `crate ${name}`,
    tone,
  ]),
  ...Object.entries(RULE_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `retention rule ${name}`,
    tone,
  ]),
  ...Object.entries(BATCH_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `batch ${name}`,
    tone,
  ]),
  ...Object.entries(BATCH_ITEM_STATE_TONES).map(([name, tone]): [string, BadgeTone] => [
    `batch item ${name}`,
    tone,
  ]),
  ...Object.entries(REVIEW_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `review ${name}`,
    tone,
  ]),
  ...Object.entries(FLAG_STATE_TONES).map(([name, tone]): [string, BadgeTone] => [
    `review flag ${name}`,
    tone,
  ]),
  ...Object.entries(COVERAGE_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `coverage ${name}`,
    tone,
  ]),
  ...Object.entries(INVENTORY_STATUS_TONES).map(([name, tone]): [string, BadgeTone] => [
    `inventory audit ${name}`,
    tone,
  ]),
  ...Object.entries(INVENTORY_RESULT_TONES).map(([name, tone]): [string, BadgeTone] => [
    `inventory result ${name}`,
    tone,
  ]),
  ...Object.entries(TONES).map(([name, tone]): [string, BadgeTone] => [name, tone]),
  // The signature dialog's action buttons (white on green Approve, orange Send back, ...).
  ...[...Object.entries(ACTION_COLORS), ['other', DEFAULT_ACTION_COLOR] as const].map(
    ([name, color]): [string, BadgeTone] => [`button ${name}`, { color, variant: 'filled' }],
  ),
];

describe('contrastRatio', () => {
  it('computes the WCAG 2.1 ratio', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBeCloseTo(1, 5);
    // WebAIM's checker: #777777 on white is 4.48:1, #767676 4.54:1.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('rgba(118, 118, 118, 1)', '#ffffff')).toBeCloseTo(4.54, 2);
    // The measurements of Mantine's light yellow and green badges.
    expect(
      contrastRatio(DEFAULT_THEME.colors.yellow[9], DEFAULT_THEME.colors.yellow[1]),
    ).toBeCloseTo(2.69, 2);
    expect(contrastRatio(DEFAULT_THEME.colors.green[9], DEFAULT_THEME.colors.green[1])).toBeCloseTo(
      3.81,
      2,
    );
  });
});

describe('status colours', () => {
  it.each(ENTRIES)('%s reads at 4.5:1 or more, also on hover', (_name, tone) => {
    const colors = resolve(tone);
    expect(contrastRatio(colors.color, colors.background)).toBeGreaterThanOrEqual(AA_NORMAL_TEXT);
    expect(contrastRatio(colors.color, colors.hover)).toBeGreaterThanOrEqual(AA_NORMAL_TEXT);
  });

  it("replaces Mantine's default colours where those fall short", () => {
    // Without the theme's resolver these pairs are below AA (the Pending badge, white on green).
    const mantine = defaultVariantColorsResolver({
      color: 'yellow',
      variant: 'light',
      theme: resolvedTheme,
    });
    expect(mantine.color).toBe('var(--mantine-color-yellow-light-color)');
    expect(resolve(CRATE_STATUS_TONES.PENDING).color).not.toBe(mantine.color);
  });

  it('renders badges with at least 12 px text in the colours checked above', () => {
    renderWithProviders(
      <>
        <Badge {...CRATE_STATUS_TONES.PENDING}>Pending</Badge>
        <Badge size="xs" {...TONES.late}>
          Late
        </Badge>
      </>,
    );
    for (const name of ['Pending', 'Late']) {
      const badge = screen.getByText(name).closest('.mantine-Badge-root');
      expect(badge).not.toBeNull();
      const style = (badge as HTMLElement).style;
      const size = style.getPropertyValue('--badge-fz');
      expect(size).toMatch(/rem$/);
      expect(parseFloat(size) * 16).toBeGreaterThanOrEqual(12);
    }
    const pending = screen.getByText('Pending').closest<HTMLElement>('.mantine-Badge-root');
    expect(pending?.style.getPropertyValue('--badge-color')).toBe(
      resolve(CRATE_STATUS_TONES.PENDING).color,
    );
  });
});
