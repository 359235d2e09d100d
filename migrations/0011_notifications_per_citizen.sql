-- A citizen's notices are read by citizen, whichever of their devices they went to (the inbox moves to a newly
-- enrolled phone).
create index device_notifications_pid on device_notifications (pid, id);
