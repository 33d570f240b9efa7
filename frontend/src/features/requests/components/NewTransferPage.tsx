import { Alert, Anchor, Paper, Select, Stack, Stepper, Text, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';

import type { Crate, Me } from '@/lib/api/types';

import { useTargetShelves } from '@/entities/locations/get-target-shelves';
import { useCrateSearch } from '@/entities/crates/search-crates';
import { CratePicker } from './CratePicker';
import { transferBlocker } from './crate-eligibility';
import { shelfOptions } from './shelf-options';
import { useRequestWizard } from './use-request-wizard';
import { WizardNav } from './WizardNav';
import { WizardSignStep } from './WizardSignStep';

/** The request fields each step shows (the signing step shows the rest in its alert). */
const STEP_FIELDS = [['crate'], ['target_location', 'purpose']] as const;

/**
 * Transfer wizard: the crate (in storage), the target shelf (same unit or another of the
 * requester's units) and the purpose, then the requester's signature. The Store Head moves the
 * crate once the request is approved.
 */
export function NewTransferPage({ me }: { me: Me }) {
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
  const [crate, setCrate] = useState<Crate | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const [purpose, setPurpose] = useState('');
  const search = useCrateSearch(debounced);
  const shelves = useTargetShelves(step >= 1);

  const options = shelfOptions(shelves.data?.results ?? [], crate?.location ?? null);
  const targetLabel =
    options.flatMap((group) => group.items).find((item) => item.value === target)?.label ?? '';
  const detailsValid = target !== null && purpose.trim() !== '';

  const choose = (picked: Crate, via: 'lookup' | 'choice') => {
    setCrate(picked);
    setTarget(null);
    if (via === 'lookup') {
      setStep(1);
    }
  };

  const send = () => {
    submit(
      crate === null || !detailsValid
        ? null
        : {
            type: 'TRANSFER',
            crate: crate.id,
            target_location: Number(target),
            purpose: purpose.trim(),
          },
    );
  };

  return (
    <Stack maw={900}>
      <Anchor component={Link} to="/requests" size="sm">
        ← All requests
      </Anchor>
      <Title order={1} size="h2">
        New transfer request
      </Title>
      <Paper withBorder p="lg" ref={wizardRef}>
        <Stepper active={step} onStepClick={setStep} allowNextStepsSelect={false}>
          <Stepper.Step label="Crate" description={crate?.code ?? 'Scan or search'}>
            <CratePicker
              term={term}
              onTermChange={setTerm}
              results={search.data?.results}
              loading={search.isFetching}
              listLabel="Crates in storage"
              emptyText="No crate in storage matches."
              blocker={transferBlocker}
              selectedId={crate?.id ?? null}
              onPick={choose}
            />
          </Stepper.Step>

          <Stepper.Step label="Destination" description={targetLabel || 'Target shelf, purpose'}>
            <Stack mt="md">
              <Text>
                <strong>{crate?.code}</strong> stands on{' '}
                <strong>{crate?.location_code ?? 'no shelf'}</strong> ({crate?.unit_code}).
              </Text>
              {shelves.isError && (
                <Alert color="red" role="alert">
                  {shelves.error.message}
                </Alert>
              )}
              <Select
                label="Target shelf"
                description="A shelf of this unit or of another of your units, with free places."
                placeholder={shelves.isLoading ? 'Loading shelves…' : 'Choose a shelf'}
                data={options}
                searchable
                required
                nothingFoundMessage="No shelf matches"
                value={target}
                onChange={(value) => {
                  setTarget(value);
                  create.reset();
                }}
                error={
                  (attempted && target === null ? 'Choose the target shelf' : null) ??
                  serverErrors.target_location
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
                  (attempted && purpose.trim() === '' ? 'Say why it moves' : null) ??
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
                Transfer <strong>{crate?.code}</strong> from{' '}
                <strong>{crate?.location_code ?? 'no shelf'}</strong> to{' '}
                <strong>{targetLabel.replace(/ \(.*\)$/, '')}</strong>.
              </Text>
            </WizardSignStep>
          </Stepper.Step>
        </Stepper>

        <WizardNav
          step={step}
          signStep={2}
          nextDisabled={step === 0 && crate === null}
          stepComplete={step !== 1 || detailsValid}
          onStepChange={setStep}
          onAttemptedChange={setAttempted}
        />
      </Paper>
    </Stack>
  );
}
