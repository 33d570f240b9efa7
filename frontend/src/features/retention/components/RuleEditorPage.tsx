import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';

import { fieldErrors, formErrorOf } from '@/lib/api/field-errors';
import type { Me, RetentionRule } from '@/lib/api/types';
import { useUnitChoices } from '@/lib/auth/unit-choices';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useDepartments } from '@/entities/departments/get-departments';
import { useDocumentTypes } from '@/entities/documents/get-document-types';
import { useCreateRule, useEditRule } from '../api/change-rule';
import { useRetentionEvents } from '../api/get-retention-events';
import { useRule } from '../api/get-rules';
import { ACTION_LABELS, TRIGGER_LABELS } from './rule-text';
import {
  EMPTY_RULE,
  FORM_FIELD_OF,
  createBodyOf,
  editBodyOf,
  permanentValues,
  validateRule,
  valuesOf,
  type RuleFormValues,
} from './rule-form';
import { isStale } from './stale';
import { StaleNotice } from './StaleNotice';

/** A refusal's messages on the form's fields. */
function serverFieldErrors(error: unknown): Partial<Record<keyof RuleFormValues, string>> {
  return Object.fromEntries(
    Object.entries(fieldErrors(error)).flatMap(([field, message]) => {
      const own = FORM_FIELD_OF[field];
      return own === undefined ? [] : [[own, message]];
    }),
  );
}

function RuleForm({ me, rule: current }: { me: Me; rule: RetentionRule | null }) {
  const navigate = useNavigate();
  // The version the form was opened with: what is typed is based on it and it is the version
  // sent. A live refresh (someone else saved the rule meanwhile) does not move it — the notice
  // says so before saving is refused; reloading takes the new version and keeps what is typed.
  const [rule, setRule] = useState(current);
  const changedElsewhere = current !== null && rule !== null && current.version !== rule.version;
  const creating = rule === null;
  const create = useCreateRule();
  const edit = useEditRule(rule?.id ?? 0);
  const save = creating ? create : edit;
  const original = useRule(rule?.id ?? 0, false);
  const types = useDocumentTypes();
  const events = useRetentionEvents();
  const departments = useDepartments();
  const units = useUnitChoices(me);
  const form = useForm<RuleFormValues>({
    initialValues: rule === null ? EMPTY_RULE : valuesOf(rule),
    validate: (values) => validateRule(values, creating),
  });
  const values = form.values;
  const permanentTrigger = values.trigger === 'PERMANENT';
  const permanent = permanentValues(values);
  const unitDepartments = (departments.data?.results ?? []).filter(
    (d) => values.unit === '' || String(d.unit) === values.unit,
  );

  const submit = form.onSubmit((submitted) => {
    const onError = (error: Error) => {
      form.setErrors(serverFieldErrors(error));
    };
    if (rule === null) {
      create.mutate(createBodyOf(submitted), {
        onSuccess: (created) => {
          notifications.show({
            color: 'green',
            title: 'Draft saved',
            message: `${created.code} version ${String(created.revision)} was drafted.`,
          });
          void navigate(`/retention/rules/${String(created.id)}`);
        },
        onError,
      });
      return;
    }
    edit.mutate(editBodyOf(rule, submitted), {
      onSuccess: (saved) => {
        notifications.show({
          color: 'green',
          title: 'Draft saved',
          message:
            saved.id === rule.id
              ? `${saved.code} version ${String(saved.revision)} was saved.`
              : `${saved.code} version ${String(saved.revision)} was drafted; version ${String(rule.revision)} governs until it is approved.`,
        });
        void navigate(`/retention/rules/${String(saved.id)}`);
      },
      onError,
    });
  });

  const scopeFixed = !creating;
  return (
    <form noValidate onSubmit={submit}>
      <Stack>
        {save.isError && !isStale(save.error) && (
          <Alert color="red" role="alert" title="Not saved">
            {formErrorOf(save.error, Object.keys(FORM_FIELD_OF))}
          </Alert>
        )}
        <StaleNotice
          error={save.error}
          changed={changedElsewhere}
          reloading={original.isFetching}
          onReload={() => {
            void original.refetch().then((reloaded) => {
              if (reloaded.data !== undefined) {
                setRule(reloaded.data);
                save.reset();
              }
            });
          }}
        />
        {rule !== null && rule.status === 'APPROVED' && (
          <Alert color="blue" title="A new version">
            Saving drafts version {rule.revision + 1} of {rule.code}. Version {rule.revision}{' '}
            governs until the new version is approved with a signature.
          </Alert>
        )}
        <Paper withBorder p="md" component="section" aria-labelledby="rule-scope">
          <Title order={2} size="h4" id="rule-scope" mb="sm">
            What the rule governs
          </Title>
          {scopeFixed && (
            <Text size="sm" c="dimmed" mb="sm">
              The scope of a rule does not change between versions: draft a new rule for another
              scope.
            </Text>
          )}
          <Stack gap="sm">
            <Group grow align="flex-start" wrap="wrap">
              <TextInput
                label="Code"
                description="Names the rule across its versions, e.g. BMR-EXP+1Y"
                required
                disabled={!creating}
                autoComplete="off"
                {...form.getInputProps('code')}
              />
              <TextInput label="Title" required {...form.getInputProps('title')} />
            </Group>
            <Group grow align="flex-start" wrap="wrap">
              <Select
                label="Document type"
                required
                searchable
                disabled={scopeFixed}
                data={(types.data ?? []).map((t) => ({
                  value: String(t.id),
                  label: `${t.code} — ${t.name}`,
                }))}
                {...form.getInputProps('docType')}
                onChange={(value: string | null) => {
                  form.setFieldValue('docType', value ?? '');
                }}
              />
              <Select
                label="Unit (optional)"
                description="Empty: every unit"
                clearable
                disabled={scopeFixed}
                data={units.map((u) => ({ value: String(u.id), label: `${u.code} — ${u.name}` }))}
                {...form.getInputProps('unit')}
                onChange={(value: string | null) => {
                  form.setFieldValue('unit', value ?? '');
                  form.setFieldValue('department', '');
                }}
              />
              <Select
                label="Department (optional)"
                description="Narrows the rule to one department"
                clearable
                searchable
                disabled={scopeFixed}
                data={unitDepartments.map((d) => ({
                  value: String(d.id),
                  label: `${d.unit_code} / ${d.code} — ${d.name}`,
                }))}
                {...form.getInputProps('department')}
                onChange={(value: string | null) => {
                  form.setFieldValue('department', value ?? '');
                }}
              />
            </Group>
          </Stack>
        </Paper>

        <Paper withBorder p="md" component="section" aria-labelledby="rule-retention">
          <Title order={2} size="h4" id="rule-retention" mb="sm">
            Retention
          </Title>
          <Stack gap="sm">
            <Group grow align="flex-start" wrap="wrap">
              <Select
                label="Trigger"
                description="What the period runs from"
                required
                allowDeselect={false}
                data={Object.entries(TRIGGER_LABELS).map(([value, label]) => ({ value, label }))}
                {...form.getInputProps('trigger')}
                onChange={(value: string | null) => {
                  form.setFieldValue('trigger', value ?? 'PREPARED');
                  if (value === 'PERMANENT') {
                    form.setFieldValue('action', 'PERMANENT');
                  }
                }}
              />
              {values.trigger === 'EVENT' && (
                <Select
                  label="Event"
                  description="Documents wait for this event's date (pending event until then)"
                  required
                  searchable
                  data={(events.data ?? [])
                    .filter((e) => e.is_active !== false || String(e.id) === values.event)
                    .map((e) => ({ value: String(e.id), label: `${e.name} (${e.code})` }))}
                  {...form.getInputProps('event')}
                  onChange={(value: string | null) => {
                    form.setFieldValue('event', value ?? '');
                  }}
                />
              )}
            </Group>
            {!permanentTrigger && (
              <Group grow align="flex-start" wrap="wrap">
                <NumberInput
                  label="Period: years"
                  min={0}
                  max={200}
                  allowDecimal={false}
                  allowNegative={false}
                  required={!permanent}
                  {...form.getInputProps('periodYears')}
                />
                <NumberInput
                  label="Period: months"
                  min={0}
                  max={11}
                  allowDecimal={false}
                  allowNegative={false}
                  {...form.getInputProps('periodMonths')}
                />
              </Group>
            )}
            <Select
              label="Action at the end"
              required
              allowDeselect={false}
              disabled={permanentTrigger}
              data={Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label }))}
              {...form.getInputProps('action')}
              onChange={(value: string | null) => {
                form.setFieldValue('action', value ?? 'DESTROY');
              }}
              maw={320}
            />
            <Textarea
              label="Citation"
              description="The law or guideline the period comes from, e.g. 21 CFR 211.180(a)"
              required
              autosize
              minRows={2}
              {...form.getInputProps('citation')}
            />
          </Stack>
        </Paper>
        <Group justify="flex-end">
          <Button
            variant="default"
            component={Link}
            to={rule === null ? '/retention/rules' : `/retention/rules/${String(rule.id)}`}
          >
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {rule === null || rule.status === 'DRAFT' ? 'Save draft' : 'Save as new draft version'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** /retention/rules/new and /retention/rules/:ruleId/edit. */
export function RuleEditorPage({ me }: { me: Me }) {
  const param = useParams().ruleId;
  const id = Number(param);
  const editing = param !== undefined;
  const valid = !editing || (Number.isInteger(id) && id > 0);
  const rule = useRule(editing && valid ? id : 0, editing && valid);
  const title = !editing
    ? 'New retention rule'
    : rule.data
      ? `Edit ${rule.data.code} v${String(rule.data.revision)}`
      : 'Edit retention rule';
  useDocumentTitle(title);

  let body;
  if (!valid) {
    body = <Alert color="red">Unknown rule.</Alert>;
  } else if (!editing) {
    body = <RuleForm me={me} rule={null} />;
  } else if (rule.isLoading) {
    body = <Loader role="status" aria-label="Loading the rule" />;
  } else if (rule.isError) {
    body = (
      <Alert color="red" role="alert" title="The rule could not be loaded">
        {rule.error.message}
      </Alert>
    );
  } else if (rule.data !== undefined) {
    body =
      rule.data.status === 'DRAFT' || rule.data.status === 'APPROVED' ? (
        // Keyed by the rule read: reloading after a conflict keeps the typed values (the form
        // mounts once per rule), while the version sent is the one reloaded.
        <RuleForm key={rule.data.id} me={me} rule={rule.data} />
      ) : (
        <Alert color="yellow" title="Not editable">
          This version is {rule.data.status.toLowerCase()}: edit the rule's current version.
        </Alert>
      );
  }

  return (
    <Stack maw={1000}>
      <Anchor
        component={Link}
        to={editing && valid ? `/retention/rules/${String(id)}` : '/retention/rules'}
        size="sm"
      >
        {editing ? '← The rule' : '← Retention schedule'}
      </Anchor>
      <Title order={1} size="h2">
        {title}
      </Title>
      {body}
    </Stack>
  );
}
