import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Paper,
  Radio,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';

import type { Crate, Me } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { useCrate } from '@/entities/crates/get-crate';
import { lookupCrate } from '@/entities/crates/lookup-crate';
import { useCrateSearch } from '@/entities/crates/search-crates';
import { useRequestWizard } from './use-request-wizard';
import { WizardNav } from './WizardNav';
import { WizardSignStep } from './WizardSignStep';

/** The request fields each step shows (the signing step shows the rest in its alert). */
const STEP_FIELDS = [['crate'], ['documents'], ['expected_return_on', 'purpose']] as const;

export function NewWithdrawalPage({ me }: { me: Me }) {
  const {
    step,
    setStep,
    credentials,
    attempted,
    setAttempted,
    create,
    serverErrors,
    wizardRef,
    submit,
  } = useRequestWizard(STEP_FIELDS);
  const [term, setTerm] = useState('');
  const [debounced] = useDebouncedValue(term, 250);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const [crate, setCrate] = useState<Crate | null>(null);
  const [wholeCrate, setWholeCrate] = useState(true);
  const [documentIds, setDocumentIds] = useState<string[]>([]);
  const [returnOn, setReturnOn] = useState<string | null>(null);
  const [purpose, setPurpose] = useState('');
  const search = useCrateSearch(debounced);
  const crateDetail = useCrate(crate?.id ?? null);

  const tomorrow = dayjs().add(1, 'day').format('YYYY-MM-DD');
  const documentsValid = wholeCrate || documentIds.length > 0;
  const detailsValid = returnOn !== null && returnOn >= tomorrow && purpose.trim() !== '';

  const choose = (picked: Crate) => {
    setCrate(picked);
    setDocumentIds([]);
    setWholeCrate(true);
    setStep(1);
  };

  const lookup = async () => {
    setLookupError(null);
    try {
      choose(await lookupCrate(term.trim()));
    } catch (error) {
      setLookupError(error instanceof Error ? error.message : 'Not found');
    }
  };

  const send = () => {
    submit(
      crate === null || !detailsValid
        ? null
        : {
            type: 'WITHDRAWAL',
            crate: crate.id,
            purpose: purpose.trim(),
            expected_return_on: returnOn,
            documents: wholeCrate ? [] : documentIds.map(Number),
          },
    );
  };

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/requests" size="sm">
        ← All requests
      </Anchor>
      <Title order={1} size="h2">
        New withdrawal request
      </Title>
      <Paper withBorder p="lg" ref={wizardRef}>
        <Stepper active={step} onStepClick={setStep} allowNextStepsSelect={false}>
          <Stepper.Step label="Crate" description={crate?.code ?? 'Scan or search'}>
            <Stack mt="md">
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  void lookup();
                }}
              >
                <Group align="flex-end">
                  <TextInput
                    label="Crate code or search"
                    description="Scan the label (the scanner types the code and Enter) or type part of a code or description."
                    value={term}
                    onChange={(event) => {
                      setTerm(event.currentTarget.value);
                    }}
                    autoFocus
                    style={{ flex: 1 }}
                  />
                  <Button type="submit" variant="default" disabled={term.trim() === ''}>
                    Look up code
                  </Button>
                </Group>
              </form>
              {lookupError !== null && (
                <Alert color="red" role="alert">
                  {lookupError}
                </Alert>
              )}
              {search.data !== undefined && (
                <Stack gap={4} role="list" aria-label="Crates in storage">
                  {search.data.results.length === 0 && (
                    <Text c="dimmed">No crate in storage matches.</Text>
                  )}
                  {search.data.results.map((result) => (
                    <UnstyledButton
                      key={result.id}
                      role="listitem"
                      onClick={() => {
                        choose(result);
                      }}
                      p="xs"
                      className="pick-row"
                    >
                      <Text ff="monospace" fw={600}>
                        {result.code}
                      </Text>
                      <Text size="sm" c="dimmed">
                        {result.location_code ?? ''} · {result.document_count} documents ·{' '}
                        {result.description}
                      </Text>
                    </UnstyledButton>
                  ))}
                </Stack>
              )}
            </Stack>
          </Stepper.Step>

          <Stepper.Step
            label="Documents"
            description={wholeCrate ? 'Whole crate' : `${String(documentIds.length)} selected`}
          >
            <Stack mt="md">
              <Radio.Group
                label="What do you need?"
                value={wholeCrate ? 'whole' : 'some'}
                onChange={(value) => {
                  setWholeCrate(value === 'whole');
                }}
              >
                <Group mt="xs">
                  <Radio value="whole" label="The whole crate" />
                  <Radio value="some" label="Selected documents" />
                </Group>
              </Radio.Group>
              {!wholeCrate && (
                <Checkbox.Group
                  label="Documents in the crate"
                  value={documentIds}
                  onChange={(value) => {
                    setDocumentIds(value);
                    create.reset();
                  }}
                  error={
                    (attempted && documentIds.length === 0
                      ? 'Choose at least one document'
                      : null) ?? serverErrors.documents
                  }
                >
                  <Table mt="xs">
                    <Table.Tbody>
                      {crateDetail.data?.documents
                        .filter((doc) => doc.status === 'ACTIVE')
                        .map((doc) => (
                          <Table.Tr key={doc.id}>
                            <Table.Td>
                              <Checkbox
                                value={String(doc.id)}
                                label={`${doc.number} — ${doc.title}`}
                              />
                            </Table.Td>
                            <Table.Td>{doc.doc_type_name}</Table.Td>
                            <Table.Td>{formatDate(doc.prepared_on)}</Table.Td>
                          </Table.Tr>
                        ))}
                    </Table.Tbody>
                  </Table>
                </Checkbox.Group>
              )}
            </Stack>
          </Stepper.Step>

          <Stepper.Step label="Details" description="Return date, purpose">
            <Stack mt="md">
              <DateInput
                label="Expected return"
                description="The crate is overdue after this day."
                required
                value={returnOn}
                onChange={(value) => {
                  setReturnOn(value);
                  create.reset();
                }}
                minDate={tomorrow}
                valueFormat="YYYY-MM-DD"
                placeholder="YYYY-MM-DD"
                error={
                  (attempted && (returnOn === null || returnOn < tomorrow)
                    ? 'Pick a day after today'
                    : null) ?? serverErrors.expected_return_on
                }
              />
              <Textarea
                label="Purpose"
                required
                autosize
                minRows={2}
                value={purpose}
                onChange={(event) => {
                  setPurpose(event.currentTarget.value);
                  create.reset();
                }}
                error={
                  (attempted && purpose.trim() === '' ? 'Say why you need it' : null) ??
                  serverErrors.purpose
                }
              />
            </Stack>
          </Stepper.Step>

          <Stepper.Step label="Sign" description="Submit with your signature">
            <WizardSignStep
              onSubmit={send}
              signerName={me.full_name}
              credentials={credentials}
              attempted={attempted}
              pending={create.isPending}
              error={create.isError ? create.error : null}
              formFields={STEP_FIELDS.flat()}
            >
              <Text>
                Withdraw <strong>{crate?.code}</strong> (
                {wholeCrate ? 'whole crate' : `${String(documentIds.length)} documents`}), return by{' '}
                <strong>{formatDate(returnOn)}</strong>.
              </Text>
            </WizardSignStep>
          </Stepper.Step>
        </Stepper>

        <WizardNav
          step={step}
          signStep={3}
          nextDisabled={(step === 0 && crate === null) || (step === 1 && !documentsValid)}
          stepComplete={step !== 2 || detailsValid}
          onStepChange={setStep}
          onAttemptedChange={setAttempted}
        />
      </Paper>
    </Stack>
  );
}
