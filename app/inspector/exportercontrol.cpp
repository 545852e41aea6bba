#include "exportercontrol.h"

#include <QRegularExpression>

#include "promdir/exporter.h"
#include "promdir/icons.h"

#include <QApplication>
#include <QClipboard>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSpinBox>
#include <QToolButton>
#include <QHBoxLayout>
#include <QWidgetAction>

namespace promdir {

ExporterControl::ExporterControl(QWidget *parent)
    : QWidget(parent)
    , m_served(std::make_shared<Served>())
    , m_exporter(std::make_unique<Exporter>())
    , m_toggle(new QToolButton(this))
    , m_url(new QToolButton(this))
    , m_counter(new QLabel(this))
    , m_addressEdit(new QLineEdit(QStringLiteral("127.0.0.1")))
    , m_portEdit(new QSpinBox)
{
    m_toggle->setCheckable(true);
    m_toggle->setIcon(icon(QStringLiteral("exporter")));
    m_toggle->setText(tr("Serve /metrics"));
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toggle->setToolTip(tr("Serve what the Exposition view shows at /metrics, as a Prometheus target"));
    m_toggle->setPopupMode(QToolButton::MenuButtonPopup);

    // Address and port in the button's popup.
    auto *menu = new QMenu(m_toggle);
    auto *form = new QWidget(menu);
    auto *fl = new QFormLayout(form);
    m_portEdit->setRange(0, 65535);
    m_portEdit->setValue(9464);
    m_portEdit->setSpecialValueText(tr("any free port"));
    m_addressEdit->setToolTip(tr("127.0.0.1 serves this machine only; 0.0.0.0 every network"));
    fl->addRow(tr("&Address:"), m_addressEdit);
    fl->addRow(tr("&Port:"), m_portEdit);
    auto *wa = new QWidgetAction(menu);
    wa->setDefaultWidget(form);
    menu->addAction(wa);
    m_toggle->setMenu(menu);

    m_url->setAutoRaise(true);
    m_url->setToolTip(tr("Click to copy the address"));
    m_counter->setToolTip(tr("Requests served since the exporter started"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_toggle);
    layout->addWidget(m_url);
    layout->addWidget(m_counter);

    std::weak_ptr<Served> served = m_served;
    m_exporter->setProvider([served]() -> std::shared_ptr<const MergeResult> {
        auto s = served.lock();
        if (!s)
            return nullptr;
        std::lock_guard lock(s->mutex);
        return s->snapshot ? s->snapshot->result : nullptr;
    });
    connect(m_toggle, &QToolButton::toggled, this, &ExporterControl::setRunning);
    connect(m_url, &QToolButton::clicked, this, &ExporterControl::copyUrl);
    connect(m_exporter.get(), &Exporter::requestServed, this, [this] {
        ++m_requests;
        updateUi();
    });
    connect(m_exporter.get(), &Exporter::error, this, [this](const QString &message) {
        if (m_starting)
            m_startError = message; // said once below, with the address
        else
            Q_EMIT errorOccurred(message);
    });
    connect(m_exporter.get(), &Exporter::warning, this, &ExporterControl::message);
    updateUi();
}

ExporterControl::~ExporterControl()
{
    m_exporter->stop();
}

void ExporterControl::setSnapshot(const SnapshotPtr &snapshot)
{
    std::lock_guard lock(m_served->mutex);
    m_served->snapshot = snapshot;
}

void ExporterControl::setAddress(const QString &address)
{
    m_addressEdit->setText(address);
}

QString ExporterControl::address() const
{
    return m_addressEdit->text().trimmed();
}

void ExporterControl::setPort(int port)
{
    m_portEdit->setValue(port);
}

int ExporterControl::port() const
{
    return m_portEdit->value();
}

bool ExporterControl::isRunning() const
{
    return m_exporter->isRunning();
}

QUrl ExporterControl::url() const
{
    return m_exporter->boundUrl();
}

bool ExporterControl::setRunning(bool on)
{
    if (on == m_exporter->isRunning()) {
        updateUi();
        return true;
    }
    if (on) {
        QHostAddress address;
        if (!address.setAddress(this->address())) {
            Q_EMIT errorOccurred(tr("“%1” is not an IP address.").arg(this->address()));
            const QSignalBlocker block(m_toggle);
            m_toggle->setChecked(false);
            return false;
        }
        m_exporter->setListenAddress(address);
        m_exporter->setPort(quint16(m_portEdit->value()));
        m_requests = 0;
        m_startError.clear();
        m_starting = true;
        const bool started = m_exporter->start();
        m_starting = false;
        if (!started) {
            const QSignalBlocker block(m_toggle);
            m_toggle->setChecked(false);
            // "cannot listen on ADDRESS:PORT: why" from the exporter: the why.
            QString why = m_startError;
            const QRegularExpressionMatch m =
                QRegularExpression(QStringLiteral("^cannot listen on \\S+: (.+)$")).match(why);
            if (m.hasMatch())
                why = m.captured(1);
            Q_EMIT errorOccurred(why.isEmpty()
                                     ? tr("The exporter could not listen on %1:%2.").arg(this->address()).arg(port())
                                     : tr("The exporter could not listen on %1:%2: %3")
                                           .arg(this->address())
                                           .arg(port())
                                           .arg(why));
            updateUi();
            return false;
        }
    } else {
        m_exporter->stop();
    }
    {
        const QSignalBlocker block(m_toggle);
        m_toggle->setChecked(m_exporter->isRunning());
    }
    updateUi();
    Q_EMIT runningChanged(m_exporter->isRunning());
    return true;
}

void ExporterControl::copyUrl()
{
    if (!m_exporter->isRunning())
        return;
    const QString url = m_exporter->boundUrl().toString();
    QApplication::clipboard()->setText(url);
    Q_EMIT message(tr("Copied %1").arg(url));
}

void ExporterControl::updateUi()
{
    const bool on = m_exporter->isRunning();
    m_url->setVisible(on);
    m_counter->setVisible(on);
    m_addressEdit->setEnabled(!on);
    m_portEdit->setEnabled(!on);
    if (on) {
        m_url->setText(m_exporter->boundUrl().toString());
        m_counter->setText(tr("%n request(s)", nullptr, int(std::min<qint64>(m_requests, INT_MAX))));
    }
}

} // namespace promdir
