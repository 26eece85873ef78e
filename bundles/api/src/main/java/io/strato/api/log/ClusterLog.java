package io.strato.api.log;

/**
 * The cluster's log as the primary keeps it; registered on the primary node only. Other nodes reach it by
 * publishing a {@link LogQuery} on {@link ClusterLogChannels#QUERIES}.
 */
public interface ClusterLog {

    LogTail tail(LogQuery query);
}
