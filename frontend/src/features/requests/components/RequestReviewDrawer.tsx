import { Alert, Anchor, Badge, Button, Drawer, Group, Loader, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';

import type { Me, RequestDetail } from '@/lib/api/types';
import { formatDate, formatDateTime, humanize } from '@/lib/format';

import { useCrateDocuments } from '@/entities/documents/get-crate-documents';
import { useRequest } from '../api/get-request';
import { actionColor, actionVariant, dialogActions, type AvailableAction } from './request-actions';
import { RequestDocuments } from './RequestDocuments';
import { RequestStatusBadge } from './RequestStatusBadge';
import { RequestSignatureDialog } from './SignatureDialog';

export interface RequestReviewProps {
  me: Me;
  requestId: number;
  onClose: () => void;
  /** Called after a signed action went through (the caller refreshes its task list). */
  onSigned?: (updated: RequestDetail) => void;
}

function Summary({ detail }: { detail: RequestDetail }) {
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge variant="outline">{humanize(detail.type)}</Badge>
        <RequestStatusBadge status={detail.status ?? 'SUBMITTED'} overdue={detail.overdue} />
      </Group>
      <Text size="sm">
        Crate{' '}
        <Anchor component={Link} to={`/crates/${String(detail.crate)}`} ff="monospace">
          {detail.crate_code}
        </Anchor>{' '}
        · {detail.unit_code} · raised by {detail.requester_name} on{' '}
        {formatDateTime(detail.submitted_at)}
      </Text>
      {detail.type === 'WITHDRAWAL' && (
        <Text size="sm">Return by {formatDate(detail.expected_return_on)}</Text>
      )}
      {detail.target_location_code !== null && detail.target_location_code !== '' && (
        <Text size="sm">Target shelf {detail.target_location_code}</Text>
      )}
      <Text size="sm">
        <strong>Purpose:</strong> {detail.purpose}
      </Text>
    </Stack>
  );
}

function ReviewBody({
  detail,
  onPick,
}: {
  detail: RequestDetail;
  onPick: (spec: AvailableAction) => void;
}) {
  // The same query RequestDocuments reads: the actions wait until the documents are on screen.
  const documents = useCrateDocuments(detail.crate);
  const actions = dialogActions(detail);
  return (
    <Stack>
      <Summary detail={detail} />
      <section aria-labelledby="review-documents">
        <Text id="review-documents" size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
          Documents
        </Text>
        <RequestDocuments request={detail} />
      </section>
      {actions.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing for you to sign on this request now.
        </Text>
      ) : (
        <Group gap="xs" role="group" aria-label="Actions">
          {actions.map((spec) => (
            <Button
              key={spec.name}
              color={actionColor(spec)}
              variant={actionVariant(spec)}
              disabled={!documents.isSuccess}
              onClick={() => {
                onPick(spec);
              }}
            >
              {spec.label}
            </Button>
          ))}
        </Group>
      )}
      <Anchor component={Link} to={`/requests/${String(detail.id)}`} size="sm">
        Open the full request (timeline and signatures)
      </Anchor>
    </Stack>
  );
}

/**
 * A task reviewed where it is listed: the request's documents first, then the actions the
 * caller may sign. The actions stay disabled until the documents have loaded, so nobody signs
 * a request without the list of what it covers in front of them.
 */
export function RequestReviewDrawer({ me, requestId, onClose, onSigned }: RequestReviewProps) {
  const request = useRequest(requestId);
  const detail = request.data;
  const [action, setAction] = useState<AvailableAction | null>(null);
  const title = detail === undefined ? 'Review request' : `Review ${detail.number}`;

  return (
    <>
      <Drawer
        opened
        onClose={onClose}
        position="right"
        size="xl"
        title={<Text fw={700}>{title}</Text>}
        closeButtonProps={{ 'aria-label': 'Close the review' }}
      >
        {request.isLoading && <Loader role="status" aria-label="Loading the request" />}
        {request.isError && (
          <Alert color="red" role="alert" title="The request could not be loaded">
            {request.error.message}
          </Alert>
        )}
        {detail !== undefined && <ReviewBody detail={detail} onPick={setAction} />}
      </Drawer>
      {detail !== undefined && action !== null && (
        <RequestSignatureDialog
          request={detail}
          spec={action}
          signerName={me.full_name}
          onClose={() => {
            setAction(null);
          }}
          onDone={(updated) => {
            setAction(null);
            onSigned?.(updated);
            onClose();
          }}
        />
      )}
    </>
  );
}
