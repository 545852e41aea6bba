#pragma once
// The toolbar's exporter toggle: on/off, address and port in a small popup,
// the URL (click to copy) and a live request counter. It serves the
// snapshot the views show, so /metrics equals the Exposition view.

#include "promdir/snapshot.h"

#include <QHostAddress>
#include <QUrl>
#include <QWidget>

#include <memory>
#include <mutex>

class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;

namespace promdir {

class Exporter;

class ExporterControl : public QWidget
{
    Q_OBJECT
public:
    explicit ExporterControl(QWidget *parent = nullptr);
    ~ExporterControl() override;

    void setSnapshot(const SnapshotPtr &snapshot);
    void setAddress(const QString &address);
    QString address() const;
    void setPort(int port);
    int port() const;

    bool isRunning() const;
    QUrl url() const;
    qint64 requestCount() const { return m_requests; }
    QToolButton *toggleButton() const { return m_toggle; }
    QToolButton *urlButton() const { return m_url; }

public Q_SLOTS:
    bool setRunning(bool on);
    void copyUrl();

Q_SIGNALS:
    void runningChanged(bool running);
    void errorOccurred(const QString &message);
    void message(const QString &text);

private:
    void updateUi();
    // Shared with the exporter's worker threads.
    struct Served
    {
        std::mutex mutex;
        SnapshotPtr snapshot;
    };
    std::shared_ptr<Served> m_served;
    std::unique_ptr<Exporter> m_exporter;
    QToolButton *m_toggle;
    QToolButton *m_url;
    QLabel *m_counter;
    QLineEdit *m_addressEdit;
    QSpinBox *m_portEdit;
    qint64 m_requests = 0;
    QString m_startError; // the exporter's reason while start() runs
    bool m_starting = false;
};

} // namespace promdir
