namespace DataForge.SegEdit.Instructions;

/// <summary>
/// Category names as people say them, in English and Chinese: COCO's 80 thing classes, the COCO-panoptic stuff
/// classes (whose raw names such as <c>wall-brick</c> or <c>sky-other-merged</c> are not words), and the shapes of
/// the bundled samples. Datasets with other classes add Chinese names through the <c>category_names_zh</c> option.
/// </summary>
public sealed class CategoryNames(IReadOnlyDictionary<string, string> extraChinese)
{
    private static readonly Dictionary<string, string> Chinese = new(StringComparer.Ordinal)
    {
        ["person"] = "人",
        ["bicycle"] = "自行车",
        ["car"] = "汽车",
        ["motorcycle"] = "摩托车",
        ["airplane"] = "飞机",
        ["bus"] = "公交车",
        ["train"] = "火车",
        ["truck"] = "卡车",
        ["boat"] = "船",
        ["traffic light"] = "红绿灯",
        ["fire hydrant"] = "消防栓",
        ["stop sign"] = "停车标志",
        ["parking meter"] = "停车计时器",
        ["bench"] = "长椅",
        ["bird"] = "鸟",
        ["cat"] = "猫",
        ["dog"] = "狗",
        ["horse"] = "马",
        ["sheep"] = "羊",
        ["cow"] = "牛",
        ["elephant"] = "大象",
        ["bear"] = "熊",
        ["zebra"] = "斑马",
        ["giraffe"] = "长颈鹿",
        ["backpack"] = "背包",
        ["umbrella"] = "雨伞",
        ["handbag"] = "手提包",
        ["tie"] = "领带",
        ["suitcase"] = "行李箱",
        ["frisbee"] = "飞盘",
        ["skis"] = "滑雪板",
        ["snowboard"] = "单板滑雪板",
        ["sports ball"] = "球",
        ["kite"] = "风筝",
        ["baseball bat"] = "棒球棒",
        ["baseball glove"] = "棒球手套",
        ["skateboard"] = "滑板",
        ["surfboard"] = "冲浪板",
        ["tennis racket"] = "网球拍",
        ["bottle"] = "瓶子",
        ["wine glass"] = "酒杯",
        ["cup"] = "杯子",
        ["fork"] = "叉子",
        ["knife"] = "刀",
        ["spoon"] = "勺子",
        ["bowl"] = "碗",
        ["banana"] = "香蕉",
        ["apple"] = "苹果",
        ["sandwich"] = "三明治",
        ["orange"] = "橙子",
        ["broccoli"] = "西兰花",
        ["carrot"] = "胡萝卜",
        ["hot dog"] = "热狗",
        ["pizza"] = "披萨",
        ["donut"] = "甜甜圈",
        ["cake"] = "蛋糕",
        ["chair"] = "椅子",
        ["couch"] = "沙发",
        ["potted plant"] = "盆栽",
        ["bed"] = "床",
        ["dining table"] = "餐桌",
        ["toilet"] = "马桶",
        ["tv"] = "电视",
        ["laptop"] = "笔记本电脑",
        ["mouse"] = "鼠标",
        ["remote"] = "遥控器",
        ["keyboard"] = "键盘",
        ["cell phone"] = "手机",
        ["microwave"] = "微波炉",
        ["oven"] = "烤箱",
        ["toaster"] = "烤面包机",
        ["sink"] = "水槽",
        ["refrigerator"] = "冰箱",
        ["book"] = "书",
        ["clock"] = "钟",
        ["vase"] = "花瓶",
        ["scissors"] = "剪刀",
        ["teddy bear"] = "泰迪熊",
        ["hair drier"] = "吹风机",
        ["toothbrush"] = "牙刷",
        ["banner"] = "横幅",
        ["blanket"] = "毯子",
        ["bridge"] = "桥",
        ["cardboard"] = "纸板",
        ["counter"] = "柜台",
        ["curtain"] = "窗帘",
        ["door"] = "门",
        ["wood floor"] = "木地板",
        ["flower"] = "花",
        ["fruit"] = "水果",
        ["gravel"] = "碎石",
        ["house"] = "房子",
        ["light"] = "灯",
        ["mirror"] = "镜子",
        ["net"] = "网",
        ["pillow"] = "枕头",
        ["platform"] = "站台",
        ["playingfield"] = "运动场",
        ["railroad"] = "铁轨",
        ["river"] = "河",
        ["road"] = "道路",
        ["roof"] = "屋顶",
        ["sand"] = "沙地",
        ["sea"] = "海",
        ["shelf"] = "架子",
        ["snow"] = "雪",
        ["stairs"] = "楼梯",
        ["tent"] = "帐篷",
        ["towel"] = "毛巾",
        ["brick wall"] = "砖墙",
        ["stone wall"] = "石墙",
        ["tile wall"] = "瓷砖墙",
        ["wood wall"] = "木墙",
        ["water"] = "水",
        ["window blind"] = "百叶窗",
        ["window"] = "窗户",
        ["tree"] = "树",
        ["fence"] = "栅栏",
        ["ceiling"] = "天花板",
        ["sky"] = "天空",
        ["cabinet"] = "柜子",
        ["table"] = "桌子",
        ["floor"] = "地板",
        ["pavement"] = "人行道",
        ["mountain"] = "山",
        ["grass"] = "草地",
        ["dirt"] = "泥土",
        ["paper"] = "纸",
        ["food"] = "食物",
        ["building"] = "建筑",
        ["rock"] = "岩石",
        ["wall"] = "墙",
        ["rug"] = "地毯",
        ["circle"] = "圆形",
        ["square"] = "正方形",
        ["triangle"] = "三角形",
        ["rectangle"] = "长方形",
        ["star"] = "星形",
    };

    /// <summary>COCO-panoptic stuff names to words: suffixes dropped, <c>wall-brick</c> → <c>brick wall</c>.</summary>
    public static string Readable(string raw)
    {
        var name = raw.Trim().Replace('_', ' ');
        foreach (var suffix in new[] { "-merged", "-other", "-stuff" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }

        name = name switch
        {
            "window-blind" => "window blind",
            "floor-wood" => "wood floor",
            _ => name,
        };
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? $"{name[(dash + 1)..]} {name[..dash]}" : name;
    }

    /// <summary>The Chinese name, or null when neither the built-in list nor the options know the category.</summary>
    public string? ChineseFor(string english) =>
        extraChinese.TryGetValue(english, out var extra) ? extra : Chinese.GetValueOrDefault(english);
}
