import {
  Alert,
  Anchor,
  Paper,
  SimpleGrid,
  Stack,
  Stepper,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';

import type { Crate, Me } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { useCrate } from '@/entities/crates/get-crate';
import { useDestructibleCrates } from '@/entities/crates/get-destructible-crates';
import { CratePicker } from './CratePicker';
import { destructionBlocker } from './crate-eligibility';
import { useRequestWizard } from './use-request-wizard';
import { WizardNav } from './WizardNav';
import { WizardSignStep } from './WizardSignStep';

/** The request fields each step shows (the signing step shows the rest in its alert). */
const STEP_FIELDS = [['crate'], ['purpose']] as const;

/**
 * Destruction wizard: a crate whose retention has ended (in storage, not on hold, not kept
 * permanently), the purpose, then the requester's signature. Once approved, the Store Head
 * destroys it with a witness's second signature.
 */
export function NewDestructionPage({ me }: { me: Me }) {
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
  const today = dayjs().format('YYYY-MM-DD');
  const [term, setTerm] = useState('');
  const [debounced] = useDebouncedValue(term, 250);
  const [crate, setCrate] = useState<Crate | null>(null);
  const [purpose, setPurpose] = useState('Retention period ended');
  const candidates = useDestructibleCrates(debounced);
  const crateDetail = useCrate(crate?.id ?? null);
  const blocker = (candidate: Crate) => destructionBlocker(candidate, today);

  const choose = (picked: Crate, via: 'lookup' | 'choice') => {
    setCrate(picked);
    if (via === 'lookup') {
      setStep(1);
    }
  };

  const send = () => {
    submit(
      crate === null || purpose.trim() === ''
        ? null
        : { type: 'DESTRUCTION', crate: crate.id, purpose: purpose.trim() },
    );
  };

  const documents = crateDetail.data?.documents.filter((doc) => doc.status === 'ACTIVE') ?? [];

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/requests" size="sm">
        ← All requests
      </Anchor>
      <Title order={1} size="h2">
        New destruction request
      </Title>
      <Paper withBorder p="lg" ref={wizardRef}>
        <Stepper active={step} onStepClick={setStep} allowNextStepsSelect={false}>
          <Stepper.Step label="Crate" description={crate?.code ?? 'Retention ended'}>
            <Text size="sm" c="dimmed" mt="md">
              Listed: crates in storage whose retention ended on or before {formatDate(today)}, not
              on legal hold and not kept permanently.
            </Text>
            <CratePicker
              term={term}
              onTermChange={setTerm}
              results={candidates.data?.results}
              loading={candidates.isFetching && candidates.data === undefined}
              listLabel="Crates due for destruction"
              emptyText="No crate is due for destruction."
              blocker={blocker}
              selectedId={crate?.id ?? null}
              onPick={choose}
            />
            {candidates.isError && (
              <Alert color="red" role="alert" mt="sm">
                {candidates.error.message}
              </Alert>
            )}
          </Stepper.Step>

          <Stepper.Step label="Details" description="What goes, and why">
            <Stack mt="md">
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    Crate
                  </Text>
                  <Text ff="monospace">{crate?.code}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    Shelf
                  </Text>
                  <Text>{crate?.location_code ?? '—'}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    Retention ended
                  </Text>
                  <Text>{formatDate(crate?.destroy_after)}</Text>
                </div>
              </SimpleGrid>
              <Text size="sm">
                The whole crate and its {documents.length || crate?.document_count} documents are
                destroyed
                {documents.length > 0 &&
                  `: ${documents
                    .slice(0, 5)
                    .map((doc) => doc.number)
                    .join(', ')}${documents.length > 5 ? '…' : ''}`}
                .
              </Text>
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
                  (attempted && purpose.trim() === '' ? 'Say why it is destroyed' : null) ??
                  serverErrors.purpose
                }
              />
              <Alert color="orange" variant="light" title="Two signatures at destruction">
                After approval, the Store Head destroys the crate; a witness (a Unit Admin or an
                Approver, not the Store Head) signs with them. A destruction certificate follows.
              </Alert>
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
                Destroy <strong>{crate?.code}</strong> (retention ended{' '}
                {formatDate(crate?.destroy_after)}).
              </Text>
            </WizardSignStep>
          </Stepper.Step>
        </Stepper>

        <WizardNav
          step={step}
          signStep={2}
          nextDisabled={step === 0 && crate === null}
          stepComplete={step !== 1 || purpose.trim() !== ''}
          onStepChange={setStep}
          onAttemptedChange={setAttempted}
        />
      </Paper>
    </Stack>
  );
}
