import { SimpleGrid } from '@mantine/core';

import { Field } from '@/components/ui/Field';
import type { RetentionRule } from '@/lib/api/types';

import { ACTION_LABELS, isPermanent, periodText, scopeText, triggerText } from './rule-text';

/** The content of a rule version: what it governs and what it decides. */
export function RuleSummary({ rule, cols = 2 }: { rule: RetentionRule; cols?: number }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: cols }} spacing="sm">
      <Field label="Code">
        <span style={{ fontFamily: 'monospace' }}>{rule.code}</span> · version {rule.revision}
      </Field>
      <Field label="Title">{rule.title}</Field>
      <Field label="Scope">{scopeText(rule)}</Field>
      <Field label="Trigger">{triggerText(rule)}</Field>
      <Field label="Period">
        {isPermanent(rule) ? 'None (permanent)' : periodText(rule.period_years, rule.period_months)}
      </Field>
      <Field label="Action at the end">{ACTION_LABELS[rule.action]}</Field>
      <Field label="Citation">{rule.citation}</Field>
    </SimpleGrid>
  );
}
