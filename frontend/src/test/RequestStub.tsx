import { useParams } from 'react-router';

/** Stands in for the request page in route tests: it only says which request it shows. */
export function RequestStub() {
  return <p>Request page {useParams().requestId}</p>;
}
