"""The exploration notebook's words (taskstats.report.explore): its filters, the sortable
table's own words and its columns."""

EXPLORE = {
    "filters": {
        "district": "区县",
        "leader": "分管领导",
        "unit": "单位",
        "source": "来源",
        "section": "板块",
        "pick_leader": "点选领导",
        "pick_unit": "点选单位",
    },
    "collective": "（泛指）",
    "count": "共{n}项任务",
    "none": "没有符合条件的任务。",
    "chart": "分管领导任务量（按来源，随筛选变化）",
    # The sortable table's own words (DataTables' "language" option).
    "table": {
        "search": "搜索：",
        "lengthMenu": "每页 _MENU_ 项",
        "info": "第 _START_ 至 _END_ 项，共 _TOTAL_ 项",
        "infoEmpty": "没有任务",
        "infoFiltered": "（从 _MAX_ 项中筛选）",
        "zeroRecords": "没有符合搜索的任务",
        "emptyTable": "没有任务",
        "paginate": {"first": "首页", "last": "末页", "next": "下一页", "previous": "上一页"},
    },
    "columns": {
        "district": "区县",
        "task_id": "序号",
        "section": "板块",
        "text": "目标任务",
        "source": "来源",
        "lead_units": "牵头单位",
        "leaders": "负责领导",
    },
}
