"""Fault injection on the loopback production topology (issue #9 item 3).

    backend/.venv/bin/python scripts/chaos                      # one run, about 3 minutes
    backend/.venv/bin/python scripts/chaos --runs 3 --json /tmp/chaos.json
    backend/.venv/bin/python scripts/chaos --duration 60 --clients 2 --subscribers 4 --seed 7

The package: workload.py (the clients and the WebSocket subscribers), faults.py (the topology's
restarts, each fault and the timing of its recovery), run.py (one run: set-up, workload, drain),
checks.py and invariants.py (what a run must show), report.py (the text and PRODUCT.md §7's
targets), cli.py (the command line). The API client, the WebSocket handshake and the topology are
scripts/lib's, shared with the other scripts.

What it builds, afresh for every run (everything on 127.0.0.1, free ports, a temporary directory;
scripts/lib/topology.py):
  PostgreSQL 15 + Redis   scripts/services.sh with SERVICES_DURABLE=1: fsync, synchronous_commit
                          and full_page_writes on; Redis with an append-only file fsynced every
                          second (the throw-away default could lose acknowledged commits in a
                          crash, and the run would prove nothing)
  data                    manage.py migrate; initial_setup --demo (config.settings.local, debug off,
                          against the same database: initial_setup refuses production settings)
  2 Daphne processes      config.settings.production; the sockets connect to them directly
  Celery worker + Beat    config.settings.production; the visibility timeout is lowered to
                          --visibility seconds so that a task a killed worker held is handed out
                          again within the run (production keeps an hour), and a queued task
                          that has not run is sent again after --resend seconds (production: 15
                          minutes; strongroom/core/task_queue.py)
  nginx                   the repository's configuration; the HTTP clients go through it
                          (--no-nginx: straight to the Daphne processes)

The workload, for --duration seconds:
  --clients clients       each drives crates through the HTTP API as their unit's Document
                          Manager, Approvers and Store Heads would: a STORAGE request for a new
                          crate (approve, allocate), then withdrawals (approve, issue, receive) and
                          transfers (approve, transfer), some crates at the end a DESTRUCTION
                          (approve, destroy with a witness); now and then a send-back (and
                          resubmit), a rejection or a cancellation. Every action is signed with the
                          user's password; creations carry an Idempotency-Key; connection errors,
                          5xx and 429 are retried with backoff and jitter (a POST again, with the
                          same key); a 4xx answer makes the client re-read the request. What the
                          server acknowledged (2xx) is recorded: request, status, version.
  --subscribers sockets   on both Daphne processes, users with different scopes (System
                          Administrator, unit viewers, an approver and the requester, who also get
                          their own notifications); first-message auth, resume from the last event
                          id held, reconnect with backoff and jitter, `resync` answered by the HTTP
                          replay GET /api/v1/events/?after=. Every event id received is counted.
  a probe                 GET /api/v1/requests/?page_size=1 every 0.25 s, for recovery times.

Faults, one after another, each after the previous one has recovered:
  redis      SHUTDOWN (the AOF is flushed) and start again on the same port
  postgres   pg_ctl stop -m immediate (a crash: recovery from the WAL at start), start again
  daphne     SIGKILL one Daphne process (--seed picks which), start it again on the same port
  worker     SIGKILL the Celery worker and its children, start it again

Checks (the run passes only if all pass):
  acknowledged   every change the server answered 2xx is in the database in that or a later state
                 (same version and status, or a higher version in a status reachable from it)
  idempotent     one request per Idempotency-Key; each acknowledged creation is that request
  events         every subscriber holds every committed outbox event of its scope (after the
                 first cursor) exactly once by id: none missing, none received twice (over all its
                 connections and HTTP replays), none out of scope
  audit chain    manage.py verify_audit_chain
  invariants     derived from the models: at most one open request per crate; crate status agrees
                 with its requests (ISSUED ⇔ an issued withdrawal, DESTROYED ⇔ a completed
                 destruction, PENDING ⇔ no completed storage), its location (a shelf of its unit
                 exactly when IN_STORAGE) and shelf capacity; request timestamps in order and
                 present for the status; send-backs open exactly while SENT_BACK; version = number
                 of signatures (+ edits); the latest signature means the current status; the latest
                 outbox event of every request and crate carries its current version and status
  notifications  exactly one effect per notifying transition: for each signed submit, resubmit,
                 approve, reject, send-back and issue, its notifications exist once (complete set
                 of kinds and recipients) and each was e-mailed
  no 500         faults are answered 502/503/504 (retryable), never 500 (an error that leaked)
  recovered      each fault recovered within --recovery-timeout seconds: API answering, sockets
                 re-subscribed, subscribers holding every event committed before the API came back,
                 the worker processing tasks; no process died that was not killed on purpose

Recovery times are reported per fault, in seconds from the fault: the first API call started after
the service went down that got an answer; all sockets that dropped subscribed again (ready); every
subscriber holding every event committed by the time the API answered again; the first task the
worker finished (a notification created) after the service was back. They are shown next to
PRODUCT.md §7's targets (Redis restart: clients back with every event within 10 s; PostgreSQL
restart: API within 5 s) but do not decide the exit status.

--runs N repeats the whole scenario N times, each on a fresh topology (new database, new Redis,
new processes) with seed --seed + run index, so one run cannot hide another's damage. Everything
a run started is stopped and removed at its end, on an error and on Ctrl-C / SIGTERM.

Exit status: 0 every check of every run passed; 1 a check failed; 2 a run could not be carried out.
"""
