import { Button, Group } from '@mantine/core';

interface WizardNavProps {
  step: number;
  /** The signing step: it has no Next (its form submits). */
  signStep: number;
  nextDisabled: boolean;
  /** False: Next shows the step's errors instead of moving on. */
  stepComplete: boolean;
  onStepChange: (step: number) => void;
  onAttemptedChange: (attempted: boolean) => void;
}

/** Back and Next under a creation wizard's steps. */
export function WizardNav({
  step,
  signStep,
  nextDisabled,
  stepComplete,
  onStepChange,
  onAttemptedChange,
}: WizardNavProps) {
  return (
    <Group justify="space-between" mt="xl">
      <Button
        variant="default"
        disabled={step === 0}
        onClick={() => {
          onStepChange(Math.max(0, step - 1));
        }}
      >
        Back
      </Button>
      {step < signStep && (
        <Button
          disabled={nextDisabled}
          onClick={() => {
            if (!stepComplete) {
              onAttemptedChange(true);
              return;
            }
            onAttemptedChange(false);
            onStepChange(step + 1);
          }}
        >
          Next
        </Button>
      )}
    </Group>
  );
}
