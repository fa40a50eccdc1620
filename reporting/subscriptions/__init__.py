"""The daily report by e-mail: who subscribes (services), what it holds and how it renders
(daily_report), the subscription page (views, urls)."""
