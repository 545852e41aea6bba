#include "metricsservice_p.h"

#include "promdir/render/exposition.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QFutureWatcher>
#include <QtCore/QLoggingCategory>
#include <QtCore/QThreadPool>

#include <exception>

Q_DECLARE_LOGGING_CATEGORY(lcPromdirExporter)

namespace promdir {

namespace {

constexpr std::size_t kMaxCachedVariants = 32;

RenderedPtr errorResponse(const std::string &why)
{
    auto r = std::make_shared<Rendered>();
    r->status = 503;
    r->contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    r->body = QByteArray("promdir: no metrics to serve: ") + QByteArray::fromStdString(why) + '\n';
    return r;
}

RenderedPtr answer(const Variant &variant, std::string_view body)
{
    auto r = std::make_shared<Rendered>();
    r->contentType = QByteArray::fromStdString(variant.contentType);
    r->gzip = variant.gzip;
    r->body = QByteArray(body.data(), static_cast<qsizetype>(body.size()));
    return r;
}

// Without self-metrics: the whole answer, cached as it is.
RenderOutcome renderVariant(const MergeResult &result, const Variant &variant)
{
    const std::string body = renderScrape(result, variant.renderOptions());
    return {answer(variant, variant.gzip ? gzipCompress(body) : body), nullptr};
}

// With self-metrics: the head kept (made now when there is none for this
// content) and this merge's self-metrics after it.
RenderOutcome renderWithSelfMetrics(const MergeResult &result, const Variant &variant, ScrapeHeadPtr head)
{
    const RenderOptions options = variant.renderOptions();
    if (!head) {
        auto made = std::make_shared<ScrapeHead>();
        const std::string text = scrapeHead(renderScrape(result, options), options.format);
        if (variant.gzip)
            made->gzip = gzipHead(text);
        else
            made->text = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
        head = std::move(made);
    }
    const std::string tail = renderSelfMetrics(result, options);
    if (head->gzip)
        return {answer(variant, gzipWithTail(*head->gzip, tail)), head};
    auto r = std::make_shared<Rendered>();
    r->contentType = QByteArray::fromStdString(variant.contentType);
    r->body = head->text; // shared with the kept head
    r->tail = QByteArray(tail.data(), static_cast<qsizetype>(tail.size()));
    return {r, head};
}

RenderedPtr renderingFailed()
{
    auto r = std::make_shared<Rendered>();
    r->status = 500;
    r->contentType = QByteArrayLiteral("text/plain; charset=utf-8");
    r->body = QByteArrayLiteral("promdir: rendering failed\n");
    return r;
}

std::string problemSummary(const LoadResult &load)
{
    const auto fam = fileErrorsFamily(load);
    if (!fam)
        return {};
    std::string s;
    for (const Sample &sample : fam->samples) {
        if (!s.empty())
            s += ", ";
        s += sample.labels.front().second + '=' + std::to_string(static_cast<long long>(sample.value));
    }
    return s;
}

} // namespace

Source::Fetched EngineSource::fetch()
{
    // The core reports problems as values; anything thrown (out of memory,
    // a bug) must still not cross into Qt's event loop.
    try {
        return {m_engine->refresh(), {}};
    } catch (const std::exception &e) {
        return {nullptr, std::string("merging failed: ") + e.what()};
    } catch (...) {
        return {nullptr, "merging failed"};
    }
}

Source::Fetched ProviderSource::fetch()
{
    std::lock_guard lock(m_mutex);
    if (!m_provider)
        return {nullptr, "the exporter's source was replaced"};
    try {
        auto result = m_provider();
        if (!result)
            return {nullptr, "the provider has no result yet"};
        return {std::move(result), {}};
    } catch (const std::exception &e) {
        return {nullptr, std::string("the provider failed: ") + e.what()};
    } catch (...) {
        return {nullptr, "the provider failed"};
    }
}

void ProviderSource::revoke()
{
    std::lock_guard lock(m_mutex);
    m_provider = nullptr;
}

std::string Variant::key() const
{
    std::string k = format == Format::OpenMetrics ? "om" : "text";
    k += '|';
    k += toString(escaping);
    k += selfMetrics == SelfMetrics::On ? "|self|" : "|";
    k += contentType;
    k += gzip ? "|gz" : "|id";
    for (const auto &n : names) {
        k += '|';
        k += std::to_string(n.size());
        k += ':';
        k += n;
    }
    return k;
}

MetricsService::MetricsService(SourceGetter source, QObject *parent)
    : QObject(parent), m_source(std::move(source))
{
}

MetricsService::~MetricsService() = default;

void MetricsService::request(const Variant &variant, Done done)
{
    m_waiting.push_back({variant, std::move(done)});
    if (!m_merging)
        startMerge();
}

void MetricsService::startMerge()
{
    m_merging = true;
    std::shared_ptr<Source> source = m_source();
    // The watcher is our child: if we go away, the answer is dropped.
    auto *watcher = new QFutureWatcher<Source::Fetched>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        mergeFinished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(), [source]() -> Source::Fetched {
        if (!source)
            return {nullptr, "no source set"};
        return source->fetch();
    }));
}

bool MetricsService::sameContent(const MergeResult &a, const MergeResult &b)
{
    // Families are a function of the parsed files (kept by identity when
    // unchanged) and the options; problems are shown too.
    if (a.load.ok != b.load.ok || a.load.error != b.load.error
        || a.options.accumulate != b.options.accumulate || a.load.files != b.load.files
        || a.load.problems.size() != b.load.problems.size())
        return false;
    for (std::size_t i = 0; i < a.load.problems.size(); ++i)
        if (a.load.problems[i].describe() != b.load.problems[i].describe())
            return false;
    return true;
}

void MetricsService::mergeFinished(Source::Fetched fetched)
{
    m_merging = false;
    ++m_merges;
    const bool changed = !fetched.result || !m_current
                         || (fetched.result != m_current && !sameContent(*fetched.result, *m_current))
                         || fetched.error != m_currentError;
    if (changed) {
        ++m_generation;
        m_cache.clear();
        m_heads.clear();
        m_current = fetched.result;
        m_currentError = fetched.error;
        std::string problems = m_current ? problemSummary(m_current->load) : std::string();
        if (m_current && !m_current->load.ok)
            problems = m_current->load.error;
        if (!m_current)
            problems = m_currentError;
        if (problems != m_lastProblems) {
            m_lastProblems = problems;
            const QString line = problems.empty()
                ? QStringLiteral("all files read cleanly again")
                : m_current && m_current->load.ok
                    ? QStringLiteral("serving everything readable; problem files: %1 (see promdir_file_errors)")
                          .arg(QString::fromStdString(problems))
                    : QStringLiteral("nothing to serve: %1").arg(QString::fromStdString(problems));
            qCWarning(lcPromdirExporter).noquote() << line;
            Q_EMIT logMessage(line);
        }
    } else {
        m_current = fetched.result; // same content, newer stats
    }
    if (m_current && m_current->pids.reason != m_lastPidsReason) {
        m_lastPidsReason = m_current->pids.reason;
        if (!m_lastPidsReason.empty()) {
            const QString line = QString::fromStdString(m_lastPidsReason)
                                 + QStringLiteral("; every file is now read on every scrape");
            qCWarning(lcPromdirExporter).noquote() << line;
            Q_EMIT logMessage(line);
        }
    }
    std::vector<Waiter> waiting;
    waiting.swap(m_waiting);
    for (auto &w : waiting)
        serve(std::move(w));
}

void MetricsService::serve(Waiter waiter)
{
    RenderedPtr immediate;
    if (!m_current)
        immediate = errorResponse(m_currentError);
    else if (!m_current->load.ok)
        immediate = errorResponse(m_current->load.error);
    const std::string key = waiter.variant.key();
    // Self-metrics change with every merge (the files it read, its time,
    // liveness), whether or not the files did: only the rest of their
    // answer is kept, and they are rendered anew for each merge.
    const bool self = waiter.variant.selfMetrics == SelfMetrics::On;
    if (!immediate && !self) {
        if (auto it = m_cache.find(key); it != m_cache.end())
            immediate = it->second;
    }
    if (immediate) {
        // Always answer later, never from inside request().
        QMetaObject::invokeMethod(this, [done = std::move(waiter.done), immediate] { done(immediate); },
                                  Qt::QueuedConnection);
        return;
    }
    const std::string renderKey =
        std::to_string(m_generation) + '#' + (self ? std::to_string(m_merges) + '#' : std::string()) + key;
    auto &list = m_rendering[renderKey];
    list.push_back(std::move(waiter.done));
    if (list.size() > 1)
        return; // a render of this very variant is already running
    ScrapeHeadPtr head;
    if (auto it = m_heads.find(key); self && it != m_heads.end())
        head = it->second;
    m_stats.bodies += head ? 0 : 1;
    m_stats.selfMetrics += self ? 1 : 0;
    auto *watcher = new QFutureWatcher<RenderOutcome>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, key, renderKey, generation] {
        watcher->deleteLater();
        renderFinished(key, renderKey, generation, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(QThreadPool::globalInstance(),
                                         [result = m_current, variant = waiter.variant, self, head]() -> RenderOutcome {
                                             try {
                                                 return self ? renderWithSelfMetrics(*result, variant, head)
                                                             : renderVariant(*result, variant);
                                             } catch (...) {
                                                 // std::bad_alloc and the like: never across the thread.
                                                 return {renderingFailed(), nullptr};
                                             }
                                         }));
}

void MetricsService::renderFinished(const std::string &key, const std::string &renderKey, quint64 generation,
                                    const RenderOutcome &outcome)
{
    if (generation == m_generation && outcome.rendered->status == 200) {
        if (outcome.head) {
            if (m_heads.size() >= kMaxCachedVariants)
                m_heads.clear();
            m_heads[key] = outcome.head;
        } else {
            if (m_cache.size() >= kMaxCachedVariants)
                m_cache.clear();
            m_cache[key] = outcome.rendered;
        }
    }
    auto node = m_rendering.extract(renderKey);
    if (node.empty())
        return;
    for (auto &done : node.mapped())
        done(outcome.rendered);
}

} // namespace promdir
