import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';

import type { RequestDetail } from '@/lib/api/types';

import { useShelves } from '../api/get-shelves';
import { useTransitionRequest } from '../api/transition-request';
import type { ActionSpec } from './request-actions';

interface SignatureDialogProps {
  request: RequestDetail;
  spec: ActionSpec;
  signerName: string;
  onClose: () => void;
  onDone: (detail: RequestDetail) => void;
}

/**
 * Every state-changing action is signed: the signer's password, a reason and the meaning of the
 * signature. A refused signature shows the server's message and changes nothing.
 */
export function SignatureDialog({
  request,
  spec,
  signerName,
  onClose,
  onDone,
}: SignatureDialogProps) {
  const transition = useTransitionRequest(request.id);
  const shelves = useShelves(request.unit, spec.shelf !== 'none');
  const form = useForm({
    initialValues: {
      password: '',
      reason: '',
      shelf: '',
      witnessUsername: '',
      witnessPassword: '',
    },
    validate: {
      password: (value) => (value === '' ? 'Enter your password to sign' : null),
      reason: (value) =>
        spec.reasonRequired && value.trim() === '' ? 'A reason is required' : null,
      shelf: (value) => (spec.shelf === 'required' && value === '' ? 'Choose a shelf' : null),
      witnessUsername: (value) => (spec.witness && value.trim() === '' ? 'Required' : null),
      witnessPassword: (value) => (spec.witness && value === '' ? 'Required' : null),
    },
  });

  const shelfOptions =
    shelves.data?.results.map((shelf) => ({
      value: String(shelf.id),
      label: `${shelf.full_code} (${shelf.free} free)`,
      disabled: shelf.free <= 0,
    })) ?? [];

  return (
    <Modal
      opened
      onClose={onClose}
      title={`${spec.label}: ${request.number}`}
      centered
      size="lg"
      closeOnClickOutside={!transition.isPending}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          transition.mutate(
            {
              action: spec.action,
              body: {
                version: request.version ?? 0,
                signature: { password: values.password },
                reason: values.reason.trim(),
                ...(values.shelf === '' ? {} : { shelf: Number(values.shelf) }),
                ...(spec.witness
                  ? {
                      witness: {
                        username: values.witnessUsername.trim(),
                        password: values.witnessPassword,
                      },
                    }
                  : {}),
              },
            },
            {
              onSuccess: (detail) => {
                onDone(detail);
              },
              onError: () => {
                form.setFieldValue('password', '');
              },
            },
          );
        })}
      >
        <Stack>
          <Alert color="blue" variant="light" title="Electronic signature" role="note">
            <Text size="sm">
              Signing as <strong>{signerName}</strong>. Meaning of this signature:{' '}
              <strong data-testid="signature-meaning">{spec.meaning}</strong>.
            </Text>
            <Text size="sm">Your password confirms that you, and only you, take this action.</Text>
          </Alert>
          {transition.isError && (
            <Alert color="red" role="alert" title="Not signed — nothing was changed">
              {transition.error.message}
            </Alert>
          )}
          {spec.shelf !== 'none' && (
            <Select
              label={spec.shelf === 'required' ? 'Shelf' : 'Shelf (default: the last one)'}
              placeholder={shelves.isLoading ? 'Loading shelves…' : 'Choose a shelf'}
              data={shelfOptions}
              searchable
              clearable={spec.shelf === 'optional'}
              required={spec.shelf === 'required'}
              {...form.getInputProps('shelf')}
              onChange={(value: string | null) => {
                form.setFieldValue('shelf', value ?? '');
              }}
            />
          )}
          <Textarea
            label={spec.reasonRequired ? 'Reason' : 'Reason (optional)'}
            required={spec.reasonRequired}
            autosize
            minRows={2}
            {...form.getInputProps('reason')}
          />
          {spec.witness && (
            <Group grow align="flex-start">
              <TextInput
                label="Witness username"
                required
                autoComplete="off"
                {...form.getInputProps('witnessUsername')}
              />
              <PasswordInput
                label="Witness password"
                required
                autoComplete="off"
                {...form.getInputProps('witnessPassword')}
              />
            </Group>
          )}
          <PasswordInput
            label="Your password"
            required
            autoComplete="current-password"
            data-autofocus
            {...form.getInputProps('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={transition.isPending}>
              Close
            </Button>
            <Button type="submit" color={spec.color} loading={transition.isPending}>
              Sign and {spec.label.toLowerCase()}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
