//! Many transfers at once over libcurl's multi interface ([`MultiFetcher`]), for downloading
//! several targets in parallel.
//!
//! Every transfer keeps the protections of [`CurlFetcher`](super::CurlFetcher)'s: the same
//! handle settings (protocols, CA, client certificate, proxy, timeouts and deadline, minimum
//! speed, no content decoding), the same response handling (`response.rs`: status, error
//! bodies read and capped, ranges), the limit and positions checked by [`RangeCheck`], and
//! redirects followed by the fetcher itself with the same rules ([`Chain`]): a redirect ends
//! the transfer and a new one to the next URL takes its place.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use curl::easy::Easy;
use curl::multi::{EasyHandle, Multi};

use super::curl::{check_url, configure, prepare_request, Chain};
use super::deadline::deadline_exceeded;
use super::response::{Hop, Response};
use super::{ConnectionPool, FetcherConfig, Progress, RangeCheck};
use crate::error::{Error, Result};

/// What a parallel transfer hands its body to: `(position, chunk)` as a
/// [`RangeSink`](super::RangeSink), owned by the transfer.
pub type OwnedRangeSink = Box<dyn FnMut(u64, &[u8]) -> Result<()> + Send>;

/// One transfer of [`MultiFetcher::fetch_all`]: `url` from byte `offset` on (0: the whole
/// file), within `max_length` bytes of the whole file, as
/// [`Fetcher::fetch_range`](super::Fetcher::fetch_range) would fetch it.
pub struct MultiRequest {
    /// The URL.
    pub url: String,
    /// The first byte asked for.
    pub offset: u64,
    /// The most bytes of the whole file accepted.
    pub max_length: u64,
    /// Where the body goes.
    pub sink: OwnedRangeSink,
}

/// Where a request made by [`MultiRequest::to_memory`] collects its body.
pub(crate) type MemoryBody = Arc<Mutex<Vec<u8>>>;

impl MultiRequest {
    /// A request for the whole of `url`, within `max_length` bytes, whose body is collected
    /// in memory, in the buffer returned with it ([`take_body`]).
    pub(crate) fn to_memory(url: String, max_length: u64) -> (MultiRequest, MemoryBody) {
        let body = MemoryBody::default();
        let sink_body = body.clone();
        let request = MultiRequest {
            url,
            offset: 0,
            max_length,
            sink: Box::new(move |_, chunk| {
                sink_body
                    .lock()
                    .map_err(|_| Error::State("a metadata buffer is unusable".into()))?
                    .extend_from_slice(chunk);
                Ok(())
            }),
        };
        (request, body)
    }
}

/// The bytes a request made by [`MultiRequest::to_memory`] collected so far, leaving its
/// buffer empty.
pub(crate) fn take_body(body: &MemoryBody) -> Vec<u8> {
    std::mem::take(&mut *body.lock().unwrap_or_else(|p| p.into_inner()))
}

/// Runs many transfers at once with libcurl's multi interface, over at most
/// `max_connections` connections, several transfers sharing one where the server offers
/// HTTP/2. At most `max_connections` transfers run at a time, so that each one's deadline
/// ([`FetcherConfig::timeout`]) counts from its own start; the others wait their turn.
pub struct MultiFetcher {
    config: FetcherConfig,
    max_connections: usize,
    /// The most connections the transfers use (`max_connections` unless
    /// [`with_connections`](Self::with_connections) lowered it).
    connections: usize,
    /// The multi handle of the calls so far, for the next one (with its connections, when
    /// there is no pool): no transfer is attached to it between calls.
    multi: Option<Multi>,
    /// Configured handles of finished transfers, for the next ones.
    idle: Vec<Easy>,
    /// The pool every handle uses, if any: dropped after them (fields drop in order).
    pool: Option<ConnectionPool>,
}

impl std::fmt::Debug for MultiFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiFetcher")
            .field("config", &self.config)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// The state a transfer's libcurl callbacks share with the loop that drives them.
struct Shared {
    response: Response,
    check: RangeCheck,
    sink: OwnedRangeSink,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // The callbacks never panic; should one have, its state is still usable.
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// One transfer and where its redirect chain stands.
struct Slot {
    url: String,
    offset: u64,
    max_length: u64,
    chain: Chain,
    current: String,
    discarded: u64,
    started: Option<Instant>,
    shared: Arc<Mutex<Shared>>,
    result: Option<Result<()>>,
    /// The position last reported to the progress function.
    reported: Option<u64>,
    /// Whether its result was handed over already.
    delivered: bool,
}

/// An error of the multi handle itself, for every transfer it stopped.
fn multi_error(url: &str, e: &curl::MultiError) -> Error {
    Error::Download {
        url: url.to_string(),
        status: None,
        msg: format!("libcurl multi interface: {e}"),
    }
}

impl MultiFetcher {
    /// A parallel fetcher with `config` (checked as [`CurlFetcher::new`](super::CurlFetcher::new)
    /// checks it) and at most `max_connections` connections (at least 1). Its connections
    /// stay open from one call to the next, for the next transfers to the same servers.
    pub fn new(config: FetcherConfig, max_connections: usize) -> Result<MultiFetcher> {
        MultiFetcher::make(config, max_connections, None)
    }

    /// [`new`](Self::new), with the connections, DNS answers and TLS sessions of `pool`,
    /// shared with the other fetchers made with it (see [`ConnectionPool`]): a connection
    /// that another fetcher opened, or that an earlier call opened, is used again (still at
    /// most `max_connections` at once for a call, counting those of the pool).
    pub fn with_pool(
        config: FetcherConfig,
        max_connections: usize,
        pool: &ConnectionPool,
    ) -> Result<MultiFetcher> {
        MultiFetcher::make(config, max_connections, Some(pool.clone()))
    }

    /// [`new`](Self::new), or [`with_pool`](Self::with_pool) when `pool` is given.
    fn make(
        config: FetcherConfig,
        max_connections: usize,
        pool: Option<ConnectionPool>,
    ) -> Result<MultiFetcher> {
        // Validates the settings and the PEM files the same way, and fails early if libcurl
        // refuses one.
        super::CurlFetcher::new(config.clone())?;
        Ok(MultiFetcher::checked(config, max_connections, pool))
    }

    /// [`make`](Self::make) for settings a [`CurlFetcher`](super::CurlFetcher) was made with
    /// already, which checked them: they are not checked again.
    pub(crate) fn checked(
        config: FetcherConfig,
        max_connections: usize,
        pool: Option<ConnectionPool>,
    ) -> MultiFetcher {
        MultiFetcher {
            config,
            max_connections: max_connections.max(1),
            connections: max_connections.max(1),
            multi: None,
            idle: Vec::new(),
            pool,
        }
    }

    /// This fetcher, with its transfers over at most `connections` connections (at least 1),
    /// still up to `max_connections` transfers at a time: over HTTP/2 they share the
    /// connections, over HTTP/1.1 each waits for a free one, its deadline running meanwhile.
    /// Only before the first call (the multi handle keeps its limits).
    pub(crate) fn with_connections(mut self, connections: usize) -> MultiFetcher {
        debug_assert!(self.multi.is_none());
        self.connections = connections.clamp(1, self.max_connections);
        self
    }

    /// A configured handle: an idle one or a new one.
    fn handle(&mut self) -> Result<Easy> {
        if let Some(easy) = self.idle.pop() {
            return Ok(easy);
        }
        let mut easy = Easy::new();
        configure(&mut easy, &self.config, self.pool.as_ref()).map_err(|e| Error::Download {
            url: String::new(),
            status: None,
            msg: format!("cannot configure libcurl: {e}"),
        })?;
        Ok(easy)
    }

    /// Starts the next request of `slot` (its first, or the next URL of its redirect chain).
    fn start(&mut self, multi: &Multi, index: usize, slot: &mut Slot) -> Result<EasyHandle> {
        let mut easy = self.handle()?;
        let position = {
            let mut shared = lock(&slot.shared);
            shared.response =
                Response::new(&slot.url, slot.offset, slot.max_length, slot.discarded);
            shared.response.position()
        };
        prepare_request(
            &mut easy,
            &slot.url,
            &slot.current,
            slot.chain.send_headers,
            position,
            slot.max_length,
            &self.config.headers,
        )?;
        let setup = |e: curl::Error| Error::Download {
            url: slot.url.clone(),
            status: None,
            msg: e.to_string(),
        };
        // Waiting for a connection that may multiplex beats opening another one.
        let _ = easy.pipewait(true);
        let shared = slot.shared.clone();
        easy.header_function(move |line| lock(&shared).response.header(line))
            .map_err(setup)?;
        let shared = slot.shared.clone();
        easy.write_function(move |data| {
            let mut guard = lock(&shared);
            let Shared {
                response,
                check,
                sink,
            } = &mut *guard;
            Ok(response.write(data, &mut |at: u64, chunk: &[u8]| {
                check.check(at, chunk)?;
                sink(at, chunk)
            }))
        })
        .map_err(setup)?;
        let shared = slot.shared.clone();
        easy.progress_function(move |_, dlnow, _, _| {
            let guard = lock(&shared);
            // Stalled transfers are reported and cancelled by the loop, not here.
            guard.response.progress(dlnow, &mut |_, _| Ok(()))
        })
        .map_err(setup)?;
        slot.started.get_or_insert_with(Instant::now);
        let mut handle = multi.add(easy).map_err(|e| multi_error(&slot.url, &e))?;
        handle.set_token(index).map_err(setup)?;
        Ok(handle)
    }

    /// Runs every request, at most `max_connections` at a time, and returns each one's
    /// result, in order: `Ok` once the whole body reached its sink, else the error
    /// [`Fetcher::fetch_range`](super::Fetcher::fetch_range) would have given. `progress`
    /// is told `(url, position, max_length)` as bytes arrive and about once a second while
    /// they do not; when it returns `Break` every transfer still running or waiting stops
    /// and fails with [`Error::Cancelled`].
    pub fn fetch_all(
        &mut self,
        requests: Vec<MultiRequest>,
        progress: Option<&Progress>,
    ) -> Vec<Result<()>> {
        let mut results: Vec<Option<Result<()>>> = requests.iter().map(|_| None).collect();
        self.fetch_each(requests, progress, &mut |i, r| results[i] = Some(r));
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(Error::State("the transfer was never started".into())))
            })
            .collect()
    }

    /// [`fetch_all`](Self::fetch_all) of whole files into memory: each `(url, max_length)`
    /// request gives its body, or the error that ended it; one result per request, in order.
    pub(crate) fn fetch_all_to_memory(
        &mut self,
        requests: Vec<(String, u64)>,
        progress: Option<&Progress>,
    ) -> Vec<Result<Vec<u8>>> {
        let (requests, bodies): (Vec<MultiRequest>, Vec<MemoryBody>) = requests
            .into_iter()
            .map(|(url, max_length)| MultiRequest::to_memory(url, max_length))
            .unzip();
        self.fetch_all(requests, progress)
            .into_iter()
            .zip(&bodies)
            .map(|(r, body)| r.map(|()| take_body(body)))
            .collect()
    }

    /// [`fetch_all`](Self::fetch_all), handing each request's result to `deliver` with its
    /// index as soon as it is known (a transfer that completed: while the others go on), so
    /// that what its sink received can be used, and let go of, before the others end.
    /// `deliver` is called once for every request.
    pub fn fetch_each(
        &mut self,
        requests: Vec<MultiRequest>,
        progress: Option<&Progress>,
        deliver: &mut dyn FnMut(usize, Result<()>),
    ) {
        self.fetch_each_polling(requests, progress, deliver, &mut || {});
    }

    /// [`fetch_each`](Self::fetch_each), calling `poll` too each time the transfers were
    /// driven (at least every 100 ms while they run), for work that the caller interleaves
    /// with them. `poll` runs on this thread, between transfers' callbacks.
    pub fn fetch_each_polling(
        &mut self,
        requests: Vec<MultiRequest>,
        progress: Option<&Progress>,
        deliver: &mut dyn FnMut(usize, Result<()>),
        poll: &mut dyn FnMut(),
    ) {
        self.fetch_each_while(requests, progress, deliver, &mut || {
            poll();
            true
        });
    }

    /// [`fetch_each_polling`](Self::fetch_each_polling), where `poll` returning `false`
    /// stops the transfers: those still running or waiting end with [`Error::Cancelled`],
    /// as when the progress function cancels.
    pub fn fetch_each_while(
        &mut self,
        requests: Vec<MultiRequest>,
        progress: Option<&Progress>,
        deliver: &mut dyn FnMut(usize, Result<()>),
        poll: &mut dyn FnMut() -> bool,
    ) {
        let mut slots: Vec<Slot> = requests
            .into_iter()
            .map(|r| {
                let check = RangeCheck::new(&r.url, r.offset, r.max_length);
                Slot {
                    chain: Chain::new(&r.url),
                    current: r.url.clone(),
                    discarded: 0,
                    started: None,
                    shared: Arc::new(Mutex::new(Shared {
                        response: Response::new(&r.url, r.offset, r.max_length, 0),
                        check,
                        sink: r.sink,
                    })),
                    result: check_url(&r.url).err().map(Err),
                    reported: None,
                    delivered: false,
                    url: r.url,
                    offset: r.offset,
                    max_length: r.max_length,
                }
            })
            .collect();
        let mut queue: VecDeque<usize> = (0..slots.len())
            .filter(|&i| slots[i].result.is_none())
            .collect();
        let multi = self.multi.take().unwrap_or_else(|| {
            let mut multi = Multi::new();
            // Multiplexing over HTTP/2 where the server offers it (libcurl's default since
            // 7.62; a libcurl without HTTP/2 refuses nothing here).
            let _ = multi.pipelining(false, true);
            let _ = multi.set_max_host_connections(self.connections);
            let _ = multi.set_max_total_connections(self.connections);
            multi
        });
        // Kept for the next call unless it failed (then a new one is made).
        let mut reusable = true;
        let mut active: Vec<(usize, EasyHandle)> = Vec::new();
        let mut heartbeat = Instant::now();
        let mut cancelled = false;
        loop {
            while active.len() < self.max_connections && !cancelled {
                let Some(i) = queue.pop_front() else { break };
                match self.start(&multi, i, &mut slots[i]) {
                    Ok(handle) => active.push((i, handle)),
                    Err(e) => slots[i].result = Some(Err(e)),
                }
                // Told when a transfer starts, as a single download's progress is.
                cancelled |= report(progress, &mut slots[i], false);
            }
            if active.is_empty() && !cancelled {
                break;
            }
            if cancelled {
                cancel(&multi, &mut slots, &mut active, &mut queue);
                break;
            }
            if let Err(e) = multi.perform() {
                reusable = false;
                for (i, handle) in active.drain(..) {
                    let _ = multi.remove(handle);
                    slots[i].result = Some(Err(multi_error(&slots[i].url, &e)));
                }
                for i in queue.drain(..) {
                    slots[i].result = Some(Err(multi_error(&slots[i].url, &e)));
                }
                break;
            }
            let mut done: Vec<(usize, std::result::Result<(), curl::Error>)> = Vec::new();
            multi.messages(|message| {
                if let (Ok(token), Some(result)) = (message.token(), message.result()) {
                    done.push((token, result));
                }
            });
            for (i, performed) in done {
                let Some(at) = active.iter().position(|(j, _)| *j == i) else {
                    continue;
                };
                let (_, handle) = active.swap_remove(at);
                // The last bytes of a finished transfer are reported too.
                cancelled |= report(progress, &mut slots[i], false);
                let Ok(easy) = multi.remove(handle) else {
                    reusable = false;
                    slots[i].result = Some(Err(Error::State(
                        "libcurl could not detach a finished transfer".into(),
                    )));
                    continue;
                };
                if self.finish(&mut slots[i], performed, &easy) {
                    queue.push_front(i);
                } else if let Some(result) = slots[i].result.take() {
                    slots[i].delivered = true;
                    deliver(i, result);
                }
                // The connection stays in the pool (the multi handle's, or the shared one);
                // the handle is reused.
                self.idle.push(easy);
            }
            cancelled |= !poll();
            let beat = heartbeat.elapsed() >= Duration::from_secs(1);
            if beat {
                heartbeat = Instant::now();
            }
            for (i, _) in &active {
                cancelled |= report(progress, &mut slots[*i], beat);
            }
            if cancelled {
                cancel(&multi, &mut slots, &mut active, &mut queue);
                break;
            }
            let _ = multi.wait(&mut [], Duration::from_millis(100));
        }
        if reusable && active.is_empty() {
            self.multi = Some(multi);
        }
        for (i, slot) in slots.into_iter().enumerate() {
            if !slot.delivered {
                deliver(
                    i,
                    slot.result.unwrap_or_else(|| {
                        Err(Error::State("the transfer was never started".into()))
                    }),
                );
            }
        }
    }

    /// Takes what a finished request of `slot` led to: its result, or (true) a redirect
    /// to follow with a new request.
    fn finish(
        &self,
        slot: &mut Slot,
        performed: std::result::Result<(), curl::Error>,
        easy: &Easy,
    ) -> bool {
        let mut transient = false;
        let hop = {
            let guard = lock(&slot.shared);
            slot.discarded = guard.response.discarded();
            guard.response.outcome(performed, easy, &mut transient)
        };
        let next = match hop {
            Ok(Hop::Done) => {
                slot.result = Some(Ok(()));
                return false;
            }
            Ok(Hop::Redirect(next)) => next,
            Err(e) => {
                slot.result = Some(Err(e));
                return false;
            }
        };
        if let Err(e) = slot
            .chain
            .follow(&slot.url, &next, self.config.max_redirects)
        {
            slot.result = Some(Err(e));
            return false;
        }
        let timeout = self.config.timeout;
        if !timeout.is_zero() && slot.started.is_some_and(|s| s.elapsed() > timeout) {
            slot.result = Some(Err(deadline_exceeded(&slot.url, timeout)));
            return false;
        }
        slot.current = next;
        true
    }
}

/// Tells `progress` where `slot` stands if that changed since the last report (or `always`);
/// returns whether it asked to cancel.
fn report(progress: Option<&Progress>, slot: &mut Slot, always: bool) -> bool {
    let Some(p) = progress else {
        return false;
    };
    if slot.result.is_some() {
        return false;
    }
    let position = lock(&slot.shared).response.position();
    if slot.reported == Some(position) && !always {
        return false;
    }
    slot.reported = Some(position);
    (p.0)(&slot.url, position, slot.max_length).is_break()
}

/// Stops every transfer running or waiting: each fails with [`Error::Cancelled`].
fn cancel(
    multi: &Multi,
    slots: &mut [Slot],
    active: &mut Vec<(usize, EasyHandle)>,
    queue: &mut VecDeque<usize>,
) {
    for (i, handle) in active.drain(..) {
        let _ = multi.remove(handle);
        slots[i].result = Some(Err(Error::Cancelled {
            url: slots[i].url.clone(),
        }));
    }
    for i in queue.drain(..) {
        slots[i].result = Some(Err(Error::Cancelled {
            url: slots[i].url.clone(),
        }));
    }
}

/// Whether the libcurl in use can multiplex transfers over HTTP/2.
pub fn supports_http2() -> bool {
    curl::Version::get().feature_http2()
}
