#pragma once
// Merges and renders off the server thread, one merge for all the scrapes
// that arrive while it runs (private to Promdir::Exporter).

#include "promdir/exporter.h"
#include "promdir/render/exposition.h"

#include <QtCore/QByteArray>
#include <QtCore/QObject>

#include <map>
#include <optional>
#include <mutex>
#include <vector>

namespace promdir {

// What to serve; fetch() runs on a worker thread.
class Source
{
public:
    virtual ~Source() = default;
    struct Fetched
    {
        std::shared_ptr<const MergeResult> result;
        std::string error; // when result is null
    };
    virtual Fetched fetch() = 0;
    // After revoke() returns, fetch() no longer calls into the owner's code.
    virtual void revoke() {}
};

class EngineSource final : public Source
{
public:
    explicit EngineSource(std::shared_ptr<MergeEngine> engine) : m_engine(std::move(engine)) {}
    Fetched fetch() override;

private:
    std::shared_ptr<MergeEngine> m_engine;
};

class ProviderSource final : public Source
{
public:
    explicit ProviderSource(Exporter::Provider provider) : m_provider(std::move(provider)) {}
    Fetched fetch() override;
    void revoke() override;

private:
    std::mutex m_mutex; // held while the provider runs: revoke() waits for it
    Exporter::Provider m_provider;
};

// One way of answering /metrics.
struct Variant
{
    Format format = Format::Text;
    NameEscaping escaping = NameEscaping::Underscores;
    std::string contentType;
    std::vector<std::string> names;
    bool gzip = false;
    SelfMetrics selfMetrics = SelfMetrics::Off;
    RenderOptions renderOptions() const { return {format, names, escaping}; }
    std::string key() const;
};

struct Rendered
{
    int status = 200;
    QByteArray contentType;
    QByteArray body; // sent as body + tail: a kept head is shared, not copied
    QByteArray tail;
    bool gzip = false;
};
using RenderedPtr = std::shared_ptr<const Rendered>;

// What a self-metrics answer keeps between merges: the head of its body
// (scrapeHead: everything but the self-metrics), which changes only with
// the files; gzipped once when the answer is.
struct ScrapeHead
{
    QByteArray text;              // when not gzipped
    std::optional<GzipHead> gzip; // when gzipped
};
using ScrapeHeadPtr = std::shared_ptr<const ScrapeHead>;

// A render's outcome: the answer, and for self-metrics the head it used.
struct RenderOutcome
{
    RenderedPtr rendered;
    ScrapeHeadPtr head;
};

class MetricsService : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const RenderedPtr &)>;
    using SourceGetter = std::function<std::shared_ptr<Source>()>;

    explicit MetricsService(SourceGetter source, QObject *parent = nullptr);
    ~MetricsService() override;

    // `done` is called on this object's thread, later (never from inside).
    void request(const Variant &variant, Done done);
    ExporterRenderStats renderStats() const { return m_stats; }

Q_SIGNALS:
    void logMessage(const QString &line);

private:
    struct Waiter
    {
        Variant variant;
        Done done;
    };
    void startMerge();
    void mergeFinished(Source::Fetched fetched);
    void serve(Waiter waiter);
    void renderFinished(const std::string &key, const std::string &renderKey, quint64 generation,
                        const RenderOutcome &outcome);
    static bool sameContent(const MergeResult &a, const MergeResult &b);

    SourceGetter m_source;
    bool m_merging = false;
    std::vector<Waiter> m_waiting;          // join the merge in flight
    std::shared_ptr<const MergeResult> m_current;
    std::string m_currentError;
    quint64 m_generation = 0;               // bumps when content changes
    quint64 m_merges = 0;                   // bumps with every merge
    std::map<std::string, RenderedPtr> m_cache; // of m_generation: whole answers without self-metrics
    std::map<std::string, ScrapeHeadPtr> m_heads; // of m_generation: heads of self-metrics answers
    std::map<std::string, std::vector<Done>> m_rendering; // "gen#[merge#]variant"
    std::string m_lastProblems;             // logged when it changes
    std::string m_lastPidsReason;           // logged when liveness stops being trusted
    ExporterRenderStats m_stats;            // counted when a render starts
};

} // namespace promdir
