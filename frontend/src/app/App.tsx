import { HealthPanel } from '@/features/health/components/HealthPanel';

const DESCRIPTION =
  'Document management for regulated plants: crates, storage, requests, signatures and a tamper-evident audit trail.';

const LINKS = [
  {
    href: '/admin/',
    title: 'Administration',
    description: 'Django admin for users, units, departments and reference data.',
  },
  {
    href: '/api/v1/docs/',
    title: 'API documentation',
    description: 'The REST API, version 1: endpoints, schemas and examples.',
  },
] as const;

export function App() {
  return (
    <div className="page">
      <header className="page__header">
        <div className="container">
          <h1 className="page__title">
            <img className="page__logo" src="/favicon.svg" alt="" width="40" height="40" />
            Strongroom
          </h1>
          <p className="page__lead">{DESCRIPTION}</p>
        </div>
      </header>

      <main className="container page__main">
        <HealthPanel />

        <nav aria-labelledby="links-title" className="links">
          <h2 id="links-title" className="links__title">
            Go to
          </h2>
          <ul className="links__list">
            {LINKS.map((link) => (
              <li key={link.href}>
                <a className="links__card" href={link.href}>
                  <span className="links__name">{link.title}</span>
                  <span className="links__path">{link.href}</span>
                  <span className="links__description">{link.description}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </main>

      <footer className="container page__footer">
        <p>Strongroom browser application: placeholder while the screens are built.</p>
      </footer>
    </div>
  );
}
