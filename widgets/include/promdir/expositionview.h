#pragma once
// The rendered /metrics text of the current snapshot, text or OpenMetrics
// with a name escaping scheme (what Prometheus 2 or 3 is served), with
// find, copy and save. The exporter serves the same.

#include "promdir/render/render.h"
#include "promdir/snapshot.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace promdir {

class ExpositionView : public QWidget
{
    Q_OBJECT
public:
    explicit ExpositionView(QWidget *parent = nullptr);
    void setSnapshot(const SnapshotPtr &snapshot);
    void setFormat(Format format);
    Format format() const;
    void setEscaping(NameEscaping escaping);
    NameEscaping escaping() const;
    // What the view shows (rendered on demand when hidden).
    QString text() const;
    static QByteArray render(const SnapshotPtr &snapshot, Format format,
                             NameEscaping escaping = NameEscaping::Underscores);

    QLineEdit *findEdit() const { return m_find; }
    QPlainTextEdit *editor() const { return m_edit; }

public Q_SLOTS:
    void focusFind();
    bool findNext(bool backward = false);
    void copyAll();
    void save();

Q_SIGNALS:
    void formatChanged(promdir::Format format);
    void saved(const QString &path);
    void errorOccurred(const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void refreshText();
    SnapshotPtr m_snapshot;
    SnapshotPtr m_shown;
    Format m_shownFormat = Format::Text;
    NameEscaping m_shownEscaping = NameEscaping::Underscores;
    QComboBox *m_format;
    QComboBox *m_escaping;
    QLineEdit *m_find;
    QLabel *m_findStatus;
    QPlainTextEdit *m_edit;
};

} // namespace promdir
