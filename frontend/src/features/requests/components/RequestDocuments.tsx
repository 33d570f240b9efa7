import { Alert, Anchor, Loader, Table, Text } from '@mantine/core';
import { Link } from 'react-router';

import type { Document, RequestDetail } from '@/lib/api/types';
import { formatDate } from '@/lib/format';

import { useCrateDocuments } from '@/entities/documents/get-crate-documents';
import { requestDocumentsView } from './request-documents';

function retention(doc: Document): string {
  if (doc.retain_permanently) {
    return 'Permanent';
  }
  return doc.retention_until === null ? '—' : formatDate(doc.retention_until);
}

/** The documents of a request (number, title, type, retention) with links to them and the crate. */
export function RequestDocuments({ request }: { request: RequestDetail }) {
  const query = useCrateDocuments(request.crate);
  const crateLink = (
    <Anchor
      component={Link}
      to={`/crates/${String(request.crate)}`}
      ff="monospace"
      className="crate-code"
    >
      {request.crate_code}
    </Anchor>
  );
  if (query.isLoading) {
    return <Loader size="sm" role="status" aria-label="Loading the documents" />;
  }
  if (query.isError) {
    return (
      <Alert color="red" role="alert" title="The documents could not be loaded">
        {query.error.message} The crate {crateLink} lists them.
      </Alert>
    );
  }
  const page = query.data;
  const view = requestDocumentsView(
    request,
    page?.results ?? [],
    page?.next !== null && page?.next !== undefined,
  );
  const count = view.documents.length;
  const noun = count === 1 ? 'document' : 'documents';
  return (
    <>
      <Text data-testid="request-documents-summary">
        {view.wholeCrate ? (
          <>
            The whole crate {crateLink}: {view.more ? `more than ${String(count)}` : count} {noun}
          </>
        ) : (
          <>
            {count} {noun} of crate {crateLink}
          </>
        )}
      </Text>
      {count > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table aria-label="Documents of the request" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Retain until</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.documents.map((doc) => (
                <Table.Tr key={doc.id}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/documents?search=${encodeURIComponent(doc.number)}`}
                    >
                      {doc.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{doc.title}</Table.Td>
                  <Table.Td>{doc.doc_type_name}</Table.Td>
                  <Table.Td>{retention(doc)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {view.more && (
        <Text size="sm" c="dimmed">
          The crate {crateLink} lists all of them.
        </Text>
      )}
    </>
  );
}
