#pragma once
// A non-modal message strip above the views: errors and warnings are shown
// here, one at a time, never as a storm of dialogs.

#include <QFrame>

#include <functional>

class QLabel;
class QPushButton;

namespace promdir {

class Banner : public QFrame
{
    Q_OBJECT
public:
    enum Kind { Info, Warning, Error };
    explicit Banner(QWidget *parent = nullptr);
    // `action` (optional) adds a button that runs it.
    void showMessage(Kind kind, const QString &text, const QString &actionText = {},
                     std::function<void()> action = {});
    QString text() const;
    Kind kind() const { return m_kind; }
    QPushButton *actionButton() const { return m_action; }

private:
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QPushButton *m_close;
    std::function<void()> m_callback;
    Kind m_kind = Info;
};

} // namespace promdir
