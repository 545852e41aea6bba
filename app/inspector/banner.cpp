#include "banner.h"

#include "promdir/icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace promdir {

Banner::Banner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_close(new QPushButton(this))
{
    setObjectName(QStringLiteral("banner"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setIcon(icon(QStringLiteral("close")));
    m_close->setFlat(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);
    connect(m_close, &QPushButton::clicked, this, &QWidget::hide);
    connect(m_action, &QPushButton::clicked, this, [this] {
        if (m_callback)
            m_callback();
    });
    hide();
}

void Banner::showMessage(Kind kind, const QString &text, const QString &actionText, std::function<void()> action)
{
    m_kind = kind;
    static const char *styles[] = {
        "QFrame#banner { background: #e3f0fb; border: 1px solid #8bb8e0; border-radius: 4px; } QLabel { color: #0c3557; }",
        "QFrame#banner { background: #fff4d6; border: 1px solid #e6c200; border-radius: 4px; } QLabel { color: #5a4300; }",
        "QFrame#banner { background: #fde2e1; border: 1px solid #e08580; border-radius: 4px; } QLabel { color: #6b0f0b; }",
    };
    setStyleSheet(QString::fromLatin1(styles[kind]));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap((kind == Info ? icon(QStringLiteral("find")) : icon(QStringLiteral("warning")))
                          .pixmap(size, size));
    m_text->setText(text);
    m_callback = std::move(action);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    show();
}

QString Banner::text() const
{
    return m_text->text();
}

} // namespace promdir
